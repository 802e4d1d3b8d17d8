import type { RunHandle, RunState } from '../run-store/run-store.js';
import type { RunDefinition } from '../run-store/run-definition.js';

/**
 * The work a sweep does for one run, stage by stage. The runner decides which stages are still to do and
 * records outcomes; the stages do the work. Tests substitute their own (a stage that fails, a fake
 * evaluation), and a job queue could later run them on another machine.
 */
export interface TrainStageRequest {
  run: RunHandle;
  definition: RunDefinition;
  /** Continue from the run's checkpoint (an interrupted or failed training). */
  resume: boolean;
}

export interface TrainStageOutcome {
  state: RunState;
  /** Completed training steps. */
  step: number;
  reason?: string;
}

export interface SweepStages {
  /** Trains the run; the run's status.json says how it ended. */
  train(request: TrainStageRequest): Promise<TrainStageOutcome>;
  /** Embeds the dataset with the run's model (if not done yet) and writes the run's eval/<protocol>.json. */
  evaluate(run: RunHandle, dataset: string): Promise<void>;
  /** Releases what the stages hold (worker pools, tensors). */
  close(): Promise<void>;
}
