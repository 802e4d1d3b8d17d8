import type { RunHandle, RunStatus, RunStore } from '../../run-store/run-store.js';
import type { RunJobResult } from './run-job.js';

/**
 * How each job of a queued sweep ended, and the run store the leaderboard reads them through: a run with a
 * job outcome answers its status and evaluation results from the queue, so the leaderboard does not depend on
 * the sweep command seeing the workers' disks; everything else (and every write) goes to the run folder.
 */
export interface JobOutcome {
  run: string;
  /** completed: the run was processed (done, diverged or failed as a run); failed: the job itself failed. */
  state: 'completed' | 'failed';
  result: RunJobResult | null;
  /** The job's failure (failed jobs only), with the worker that reported it. */
  reason: string | null;
}

export function storeWithOutcomes(outcomes: ReadonlyMap<string, JobOutcome>, disk: RunStore): RunStore {
  return {
    run(id) {
      const base = disk.run(id);
      const outcome = outcomes.get(id);
      return outcome ? withOutcome(base, outcome) : base;
    },
    list: () => disk.list(),
  };
}

function withOutcome(base: RunHandle, outcome: JobOutcome): RunHandle {
  const status: RunStatus | null = outcome.result
    ? outcome.result.status
    : { state: 'failed', step: stepOnDisk(base), reason: outcome.reason ?? 'the job failed', updatedAt: new Date().toISOString() };
  return {
    ...base,
    exists: () => status !== null,
    readStatus: () => status,
    readResult: <T>(name: string) => (outcome.result?.results[name] ?? null) as T | null,
  };
}

/** Where a failed job's training stood, if the sweep command can see the run folder; 0 otherwise. */
function stepOnDisk(base: RunHandle): number {
  try {
    return base.readStatus()?.step ?? 0;
  } catch {
    return 0;
  }
}

/** The outcome's run state as the in-process sweep reports it: a failed job is a failed run. */
export function outcomeState(outcome: JobOutcome): RunStatus['state'] | 'unknown' {
  return outcome.result ? (outcome.result.status?.state ?? 'unknown') : 'failed';
}
