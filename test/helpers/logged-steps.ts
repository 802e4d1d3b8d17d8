import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The steps a run's metrics.jsonl has logged so far, read while the run may still be writing it (a line cut
 * short by a kill is skipped): how the kill tests see where a training stands, and that none was logged twice.
 */
export function loggedSteps(runDir: string): number[] {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [(JSON.parse(line) as { step: number }).step];
    } catch {
      return [];
    }
  });
}
