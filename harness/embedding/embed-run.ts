import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataset } from '../data/registry/registry.js';
import { FEATURE_FORMATS } from '../data/registry/schema.js';
import { requireChecksums } from '../data/registry/checksums.js';
import { initEngine, type BackendChoice } from '../engine/backend-choice.js';
import { UserError } from '../core/errors.js';
import { writeFeatureSet } from '../formats/feature-set.js';
import { toNormalisedBatch } from '../formats/image.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import type { RunHandle } from '../run-store/run-store.js';
import { embedFeatureRows } from './embed-feature-rows.js';
import { planEmbedding, type ImageJob } from './image-plan.js';
import { loadRunBackbone } from './run-model.js';

export interface EmbedOptions {
  dataRoot?: string;
  /** insightface's test-time flip: the feature of each image plus that of its mirror image. */
  flip?: boolean;
  batchSize?: number;
  progress?: ProgressMode;
  /** Default: the backend the run trained on. */
  backend?: BackendChoice;
  /** Embed again even if the feature sets exist. */
  force?: boolean;
  /**
   * Refuse a dataset whose files do not match its checksums (`flb embed` does, unless --ignore-checksums; a sweep's
   * stages do not: its tests' stand-in datasets reuse real names).
   */
  verifyChecksums?: boolean;
}

export interface EmbeddedFeatures {
  dataset: string;
  role: string;
  /** Feature-set name (features | probe | distractors) → path of its .npy (keys beside it). */
  sets: Record<string, string>;
}

export function featuresDir(run: RunHandle, dataset: string): string {
  return join(run.featuresDir, dataset);
}

/**
 * Embeds every image a protocol dataset needs with a run's trained backbone and writes the feature sets
 * (NAME.npy + NAME.keys.txt) under <run>/features/<dataset>/; a dataset of feature rows (lfw-features) has its
 * rows passed through the run's model instead. Decoding of the next batch overlaps the current
 * batch's forward pass. Existing feature sets are kept unless `force`.
 */
export async function embedRun(run: RunHandle, dataset: string, opts: EmbedOptions = {}): Promise<EmbeddedFeatures> {
  const ds = await ensureDataset(dataset, { dataRoot: opts.dataRoot, progress: opts.progress });
  const rowsOnly = FEATURE_FORMATS.includes(ds.entry.format);
  if (rowsOnly && opts.flip) {
    throw new UserError(`dataset "${dataset}" holds feature rows, not images: there is no image to mirror for test-time flip (embed it without --flip; in a sweep, "embedding": {"flip": false})`);
  }
  const plan = rowsOnly ? null : planEmbedding(ds);
  const dir = featuresDir(run, dataset);
  const names = plan ? plan.map((p) => p.name) : ['features'];
  const sets = Object.fromEntries(names.map((name) => [name, join(dir, `${name}.npy`)]));
  const result = { dataset, role: ds.entry.role, sets };
  if (!opts.force && Object.values(sets).every((p) => existsSync(p))) return result;
  if (opts.verifyChecksums) await requireChecksums(ds);

  const { model, config } = await loadRunBackbone(run);
  await initEngine(opts.backend ?? (config.engine.backend as BackendChoice));
  const batchSize = opts.batchSize ?? 64;
  if (!plan) {
    try {
      await embedFeatureRows(model, config, ds, sets.features!, { batchSize, progress: opts.progress });
    } finally {
      model.dispose();
    }
    return result;
  }
  const [h, w, c] = config.dataset.shape as [number, number, number];
  if (c !== 1 && c !== 3) throw new UserError(`${run.dir}: the model takes ${c} channels; only 1 or 3 can be decoded`);
  const spec = { size: [h, w] as const, channels: c as 1 | 3 };
  const total = plan.reduce((n, p) => n + p.images.length, 0);
  const bar = startProgress(`embed ${dataset}`, total, opts.progress ?? 'auto');
  let done = 0;
  try {
    for (const { name, images } of plan) {
      const dim = config.definition.train.embeddingDim;
      const data = new Float32Array(images.length * dim);
      const load = (start: number) => Promise.all(images.slice(start, start + batchSize).map((job: ImageJob) => job.load(spec)));
      let next = images.length ? load(0) : null;
      for (let start = 0; start < images.length; start += batchSize) {
        const pixels = await next!;
        next = start + batchSize < images.length ? load(start + batchSize) : null;
        const batch = toNormalisedBatch(pixels, h * w * c);
        const rows = embedBatch(model, batch, [pixels.length, h, w, c], opts.flip ?? false);
        data.set(rows, start * dim);
        done += pixels.length;
        bar.update(done);
      }
      writeFeatureSet(sets[name]!, { rows: images.length, dim, data, keys: images.map((j) => j.key) });
    }
  } finally {
    bar.stop();
    model.dispose();
  }
  return result;
}

/** Embeddings of one batch (inference mode), summed with those of the mirrored images when `flip`. */
function embedBatch(model: tf.LayersModel, batch: Float32Array, shape: [number, number, number, number], flip: boolean): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(batch, shape);
    let y = model.predict(x) as tf.Tensor2D;
    if (flip) y = tf.add(y, model.predict(tf.image.flipLeftRight(x)) as tf.Tensor2D);
    return y.dataSync() as Float32Array;
  });
}
