import type { RunHandle, RunStatus } from '../run-store/run-store.js';
import type { PlannedEvaluation, PlannedRun } from './sweep-plan.js';

/**
 * What is still to do for one run, read from what the run store holds: the unit of resumption is the stage.
 * A finished training is not repeated; an interrupted one continues from its checkpoint; a diverged one is a
 * result and stays; evaluations whose eval/<protocol>.json exists are skipped.
 */
export type TrainingWork =
  | { kind: 'fresh' }
  /** Interrupted, killed or failed part-way: continue from the last checkpoint (if one was written). */
  | { kind: 'resume'; fromStatus: RunStatus }
  /** `failedAfter`: an evaluation failed after this training finished; the status is reset before retrying it. */
  | { kind: 'complete'; failedAfter: boolean }
  | { kind: 'diverged'; status: RunStatus };

export interface RunWork {
  training: TrainingWork;
  /** Evaluation datasets without a result yet (none after a divergence). */
  evaluate: PlannedEvaluation[];
}

export function runWork(run: PlannedRun, handle: RunHandle, evaluate: readonly PlannedEvaluation[]): RunWork {
  const status = handle.readStatus();
  const training = trainingWork(status, run.definition.train.steps);
  if (training.kind === 'diverged') return { training, evaluate: [] };
  return { training, evaluate: evaluate.filter((d) => storedResult(handle, d) === null) };
}

/**
 * The run's result for this evaluation, if it has one for this very dataset: a result of another set of the
 * same protocol (the config changed) does not count.
 */
export function storedResult(handle: RunHandle, evaluation: PlannedEvaluation): Record<string, unknown> | null {
  const result = handle.readResult(evaluation.resultName);
  if (result === null) return null;
  return result.dataset === undefined || result.dataset === evaluation.entry.name ? result : null;
}

function trainingWork(status: RunStatus | null, steps: number): TrainingWork {
  if (!status) return { kind: 'fresh' };
  if (status.state === 'diverged') return { kind: 'diverged', status };
  // A run whose training finished records an evaluation failure at the final step (see the runner).
  if (status.state === 'done') return { kind: 'complete', failedAfter: false };
  if (status.state === 'failed' && status.step >= steps) return { kind: 'complete', failedAfter: true };
  return { kind: 'resume', fromStatus: status };
}

export function isFinished(work: RunWork): boolean {
  if (work.training.kind === 'diverged') return true;
  return work.training.kind === 'complete' && !work.training.failedAfter && work.evaluate.length === 0;
}
