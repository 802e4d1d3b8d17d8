import { UserError } from '../core/errors.js';
import type { PlannedRun } from './sweep-plan.js';

/**
 * --only PATTERN (repeatable): globs (* and ?), case-insensitive. A run is selected when any pattern matches
 * its loss name, its variant label or its run id, e.g. `arcface`, `ArcFace (m=0.3)`, `*cos*`. Not split on
 * commas: variant labels contain them.
 */
export function selectRuns(patterns: readonly string[] | undefined, runs: readonly PlannedRun[]): (run: PlannedRun) => boolean {
  if (!patterns || patterns.length === 0) return () => true;
  const labels = [...new Set(runs.map((r) => r.variant.label))].join(', ');
  const globs = patterns.map((pattern) => {
    const glob = globToRegExp(pattern.trim());
    const matches = (run: PlannedRun) => glob.test(run.definition.loss.name) || glob.test(run.variant.label) || glob.test(run.id);
    if (!runs.some(matches)) throw new UserError(`--only '${pattern}' matches no run; variants: ${labels}`);
    return matches;
  });
  return (run) => globs.some((matches) => matches(run));
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
