import { UserError } from '../errors.js';
import type { PlannedRun } from './sweep-plan.js';

/**
 * --only PATTERN: a comma-separated list of globs (* and ?), case-insensitive. A run is selected when any
 * glob matches its loss name, its variant label or its run id, e.g. `arcface`, `ArcFace (m=0.3)`, `*cos*`.
 */
export function selectRuns(pattern: string | undefined, runs: readonly PlannedRun[]): (run: PlannedRun) => boolean {
  if (pattern === undefined) return () => true;
  const globs = pattern.split(',').map((p) => p.trim()).filter(Boolean).map(globToRegExp);
  if (globs.length === 0) throw new UserError('--only: expected a pattern, e.g. --only arcface or --only "*face*"');
  const select = (run: PlannedRun) =>
    globs.some((g) => g.test(run.definition.loss.name) || g.test(run.variant.label) || g.test(run.id));
  if (!runs.some(select)) {
    const names = [...new Set(runs.map((r) => r.variant.label))].join(', ');
    throw new UserError(`--only '${pattern}' matches no run; variants: ${names}`);
  }
  return select;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}
