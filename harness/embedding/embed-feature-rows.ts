import * as tf from '@tensorflow/tfjs';
import type { ResolvedDataset } from '../data/registry/registry.js';
import { UserError } from '../core/errors.js';
import { readFeatureSet, writeFeatureSet } from '../formats/feature-set.js';
import { readLfwPairs } from '../formats/lfw-pairs.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import type { RunConfig } from '../run-store/run-definition.js';

/**
 * The protocol features of a run trained on feature rows (a head on a frozen trunk): each image the pairs name
 * is looked up in the dataset's feature set and its row passed through the run's model. There are no pixels
 * here, so no decoding and no test-time flip.
 */
export async function embedFeatureRows(
  model: tf.LayersModel,
  config: RunConfig,
  ds: ResolvedDataset,
  out: string,
  opts: { batchSize: number; progress?: ProgressMode },
): Promise<void> {
  const paths = { features: ds.paths.features!, keys: ds.paths.keys!, pairs: ds.paths.pairs! };
  const set = readFeatureSet(paths.features, { keysPath: paths.keys });
  const [h, w, dim] = config.dataset.shape as [number, number, number];
  if (h !== 1 || w !== 1 || dim !== set.dim) {
    throw new UserError(`${paths.features}: ${set.dim}-d feature rows, but the run was trained on inputs of shape [${config.dataset.shape.join(', ')}] (its training set ${config.definition.dataset}); embed a dataset of the features it was trained on`);
  }
  const rowOf = new Map(set.keys.map((k, i) => [k, i] as const));
  // The pairs' images in order of first appearance, as the image datasets' feature sets list them.
  const keys: string[] = [];
  const rows: number[] = [];
  const seen = new Set<string>();
  for (const pair of readLfwPairs(paths.pairs).pairs) {
    for (const key of pair.keys) {
      if (seen.has(key)) continue;
      const row = rowOf.get(key);
      if (row === undefined) throw new UserError(`${paths.pairs}:${pair.line}: image '${key}' has no row in ${paths.features} (keys ${paths.keys})`);
      seen.add(key);
      keys.push(key);
      rows.push(row);
    }
  }
  const outDim = config.definition.train.embeddingDim;
  const data = new Float32Array(keys.length * outDim);
  const bar = startProgress(`embed ${ds.entry.name}`, keys.length, opts.progress ?? 'auto');
  try {
    for (let start = 0; start < rows.length; start += opts.batchSize) {
      const batch = rows.slice(start, start + opts.batchSize);
      const input = new Float32Array(batch.length * dim);
      batch.forEach((row, i) => input.set(set.data.subarray(row * dim, (row + 1) * dim), i * dim));
      const embedded = tf.tidy(() => (model.predict(tf.tensor4d(input, [batch.length, 1, 1, dim])) as tf.Tensor2D).dataSync() as Float32Array);
      data.set(embedded, start * outDim);
      bar.update(start + batch.length);
    }
  } finally {
    bar.stop();
  }
  writeFeatureSet(out, { rows: keys.length, dim: outDim, data, keys });
}
