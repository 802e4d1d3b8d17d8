import type { TrainSet } from '../../harness/data/readers/train-set.js';
import { findBackbonePlugin } from '../../harness/plugins/backbones/registry.js';
import { findLossPlugin } from '../../harness/plugins/losses/registry.js';
import { runAt } from '../../harness/run-store/run-store.js';
import type { RunDefinition } from '../../harness/run-store/run-definition.js';
import { DEFAULT_TRAIN_SETTINGS } from '../../harness/run-store/train-settings.js';
import { train } from '../../harness/training/trainer.js';
import { TEST_BACKEND } from './test-backend.js';

/** A small run's definition: an MLP backbone on `dataset`, the default training settings with `train` over them. */
export function smallRun(loss: string, dataset: string, train: Partial<RunDefinition['train']>, hidden = 64): RunDefinition {
  return {
    loss: { name: loss, params: {} },
    backbone: { name: 'mlp', params: { hidden } },
    dataset,
    train: { ...DEFAULT_TRAIN_SETTINGS, ...train },
  };
}

/**
 * Trains `definition` into `dir` in this process, on the test backend, without output. `lossPlugin`: a plugin
 * file to load instead of the built-in named in the definition.
 */
export async function trainQuietly(dir: string, definition: RunDefinition, trainSet: TrainSet, opts: { lossPlugin?: string; resume?: boolean } = {}) {
  return train({
    run: runAt(dir),
    definition,
    loss: await findLossPlugin(opts.lossPlugin ?? definition.loss.name),
    backbone: await findBackbonePlugin(definition.backbone.name),
    trainSet,
    backend: TEST_BACKEND,
    progress: 'quiet',
    resume: opts.resume ?? false,
    log: () => {},
  });
}
