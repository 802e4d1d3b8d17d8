import type * as tf from '@tensorflow/tfjs';
import { createBackbone, findBackbonePlugin } from '../plugins/backbones/registry.js';
import type { RunHandle } from '../run-store/run-store.js';
import { hasCheckpoint, loadBackboneWeights } from '../training/checkpoint.js';
import type { RunConfig } from '../run-store/run-definition.js';
import { UserError } from '../core/errors.js';

/** The trained backbone of a run, rebuilt from its config and loaded from its checkpoint. */
export async function loadRunBackbone(run: RunHandle): Promise<{ model: tf.LayersModel; config: RunConfig }> {
  const config = run.readConfig<RunConfig>();
  if (!hasCheckpoint(run.checkpointDir)) throw new UserError(`${run.dir}: no checkpoint yet (train the run first)`);
  const builtin = config.sources.backbone.includes('/plugins/backbones/');
  const entry = await findBackbonePlugin(builtin ? config.definition.backbone.name : config.sources.backbone);
  const { model } = createBackbone(entry.plugin, config.definition.backbone.params, {
    inputShape: config.dataset.shape as [number, number, number],
    embeddingDim: config.definition.train.embeddingDim,
    seed: config.definition.train.seed,
  });
  loadBackboneWeights(model, run.checkpointDir);
  return { model, config };
}
