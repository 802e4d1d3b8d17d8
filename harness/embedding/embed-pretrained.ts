import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { tsWorkerExecArgv } from '../core/worker-exec-argv.js';
import { ensureDataset } from '../data/registry/registry.js';
import { requireChecksums } from '../data/registry/checksums.js';
import { initEngine } from '../engine/backend-choice.js';
import { UserError } from '../core/errors.js';
import { alignDataset, alignedDataset, type AlignSummary } from '../face/align-dataset.js';
import type { DetectorName } from '../face/detectors.js';
import { DLIB_EMBEDDING_DIM, DLIB_PENULTIMATE_DIM } from '../face/dlib-resnet.js';
import { faceTemplate } from '../face/face-template.js';
import { writeFeatureSet } from '../formats/feature-set.js';
import { lfwImageKeys, type LfwImageSelection } from '../data/readers/lfw-image-keys.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import type { PretrainedTask } from './pretrained-worker.js';

export { PRETRAINED_MODELS, parsePretrainedModel, type PretrainedModel } from './pretrained-models.js';
import type { PretrainedModel } from './pretrained-models.js';

export interface PretrainedEmbedOptions {
  dataRoot?: string;
  /** Detect, landmark and align to dlib's chip first (cached in `dir`, default data/aligned/<dataset>-dlib150-<detector>). */
  align?: { detector: DetectorName; dir?: string };
  flip?: boolean;
  /** The images pairs.txt names (default), or every image of the dataset (aligned alike with `align`). */
  images?: LfwImageSelection;
  /** The 128-d descriptor, or the 256-d pooled features under it (the frozen trunk's output). */
  layer?: PretrainedTask['layer'];
  /** Images per worker task. */
  batchSize?: number;
  /** Worker threads, each with its own wasm engine (default: the machine's cores). */
  workers?: number;
  progress?: ProgressMode;
  /** Refuse a dataset whose files do not match its checksums (`flb embed`, unless --ignore-checksums). */
  verifyChecksums?: boolean;
}

export interface PretrainedEmbedding {
  out: string;
  rows: number;
  dim: number;
  /** The alignment summary (fallback count included) when --align was used. */
  alignment?: AlignSummary;
}

/**
 * Writes the feature set (out .npy + .keys.txt) of every image an LFW-style dataset's pairs name (or, with
 * `images: 'all'`, of every image of the dataset; the pairs' images come first either way), embedded by
 * a pretrained model: dlib chips when aligned, else plain centre crops. Work is spread over worker threads.
 */
export async function embedPretrained(model: PretrainedModel, dataset: string, out: string, opts: PretrainedEmbedOptions = {}): Promise<PretrainedEmbedding> {
  let ds = await ensureDataset(dataset, { dataRoot: opts.dataRoot, progress: opts.progress });
  if (ds.entry.format !== 'lfw-pairs') throw new UserError(`dataset "${dataset}" is a ${ds.entry.role} set of format ${ds.entry.format}: --pretrained ${model} embeds LFW-style image datasets (format lfw-pairs)`);
  if (opts.verifyChecksums) await requireChecksums(ds);
  let alignment: AlignSummary | undefined;
  if (opts.align) {
    const dir = resolve(opts.align.dir ?? join('data', 'aligned', `${dataset}-dlib150-${opts.align.detector}`));
    await initEngine('wasm');
    const result = await alignDataset(ds, dir, { template: faceTemplate('dlib150'), detector: opts.align.detector, images: opts.images, progress: opts.progress });
    alignment = result.summary!;
    ds = alignedDataset(ds, dir);
  }
  const keys = lfwImageKeys({ images: ds.paths.images!, pairs: ds.paths.pairs! }, opts.images ?? 'pairs');
  const files = keys.map((k) => join(ds.paths.images!, k));
  const layer = opts.layer ?? 'embedding';
  const dim = layer === 'embedding' ? DLIB_EMBEDDING_DIM : DLIB_PENULTIMATE_DIM;
  const data = await embedFiles(files, dim, { flip: opts.flip ?? false, layer, batchSize: opts.batchSize ?? 16, workers: opts.workers ?? availableParallelism(), label: `embed ${dataset}`, progress: opts.progress });
  writeFeatureSet(out, { rows: keys.length, dim, data, keys });
  return { out, rows: keys.length, dim, alignment };
}

async function embedFiles(
  files: readonly string[],
  dim: number,
  opts: { flip: boolean; layer: PretrainedTask['layer']; batchSize: number; workers: number; label: string; progress?: ProgressMode },
): Promise<Float32Array> {
  const data = new Float32Array(files.length * dim);
  const pool = new Piscina({
    filename: new URL('./pretrained-worker.ts', import.meta.url).href,
    minThreads: opts.workers,
    maxThreads: opts.workers,
    concurrentTasksPerWorker: 1,
    execArgv: tsWorkerExecArgv(),
  });
  const bar = startProgress(opts.label, files.length, opts.progress ?? 'auto');
  let done = 0;
  try {
    const tasks: Promise<void>[] = [];
    for (let start = 0; start < files.length; start += opts.batchSize) {
      const task: PretrainedTask = { files: files.slice(start, start + opts.batchSize), flip: opts.flip, layer: opts.layer };
      tasks.push(
        pool.run(task).then((rows: Float32Array) => {
          data.set(rows, start * dim);
          done += task.files.length;
          bar.update(done);
        }),
      );
    }
    await Promise.all(tasks);
  } finally {
    bar.stop();
    await pool.destroy();
  }
  return data;
}
