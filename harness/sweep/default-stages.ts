import { findBackbonePlugin } from '../plugins/backbones/registry.js';
import { openTrainSet } from '../data/registry/registry.js';
import type { TrainSet } from '../data/readers/train-set.js';
import { embedRun } from '../embedding/embed-run.js';
import type { BackendChoice } from '../engine/backend-choice.js';
import { evaluateRun } from '../evaluation/evaluate-run.js';
import { createScoringPool, type ScoringPool } from '../scoring/pool.js';
import { findLossPlugin } from '../plugins/losses/registry.js';
import type { ProgressMode } from '../core/progress.js';
import type { RunConfig } from '../run-store/run-definition.js';
import { openRunTrainSet } from '../training/run-train-set.js';
import { train } from '../training/trainer.js';
import type { SweepStages, TrainStageRequest } from './run-stages.js';

/**
 * The stages as the project runs them: training through the one training loop (trainer.ts), then for each
 * protocol dataset the run's embeddings and its evaluation.
 */
export interface DefaultStageOptions {
  dataRoot?: string;
  /** Extra loss plugin files named by the config. */
  plugins: string[];
  backend: BackendChoice;
  progress: ProgressMode;
  embedding: { flip: boolean; batchSize: number };
  /** Scoring workers (default: the cores). */
  threads?: number;
  log: (line: string) => void;
}

export function defaultStages(opts: DefaultStageOptions): SweepStages {
  // Every run trains on the same set (less a held-out fold's identities): open (and if need be generate) it once.
  const trainSets = new Map<string, Promise<TrainSet>>();
  const trainSet = (name: string) => {
    if (!trainSets.has(name)) trainSets.set(name, openTrainSet(name, { dataRoot: opts.dataRoot, progress: opts.progress }));
    return trainSets.get(name)!;
  };
  // One scoring pool for every run's evaluations: starting its workers (tsx, onnxruntime) costs seconds each time.
  let pool: ScoringPool | undefined;
  const scoringPool = () => (pool ??= createScoringPool(opts.threads));
  return {
    async train({ run, definition, resume }: TrainStageRequest) {
      const [loss, backbone, set] = await Promise.all([
        findLossPlugin(definition.loss.name, opts.plugins),
        findBackbonePlugin(definition.backbone.name),
        openRunTrainSet(definition, { dataRoot: opts.dataRoot, progress: opts.progress }, trainSet),
      ]);
      // A resumed run continues on the backend it started on, so it ends where an uninterrupted run would.
      const backend = resume ? (run.readConfig<RunConfig>().engine.backend as BackendChoice) : opts.backend;
      const outcome = await train({ run, definition, loss, backbone, trainSet: set, backend, progress: opts.progress, resume, log: opts.log });
      return { state: outcome.state, step: outcome.step, reason: outcome.reason };
    },
    async evaluate(run, dataset) {
      const common = { dataRoot: opts.dataRoot, progress: opts.progress, flip: opts.embedding.flip };
      // Embedding first, with the sweep's batch size; evaluateRun then finds the feature sets and scores them.
      await embedRun(run, dataset, { ...common, batchSize: opts.embedding.batchSize });
      await evaluateRun(run, dataset, { ...common, pool: scoringPool() });
    },
    async close() {
      await pool?.close();
      pool = undefined;
    },
  };
}
