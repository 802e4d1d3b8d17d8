import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import { UserError } from '../core/errors.js';
import type { LossHead } from '../plugins/losses/contract.js';
import type { MomentumSgd } from './sgd.js';
import { readTensorBundle, writeTensorBundle } from './tensor-bundle.js';
import { readJsonFile } from '../core/read-file.js';

/**
 * A checkpoint directory: the backbone in tfjs's layers format (model.json + weights.bin, loadable by
 * tf.loadLayersModel once harness/layers' classes are registered, i.e. the backbone kit is imported), the head's variables and state, the optimizer's buffers, and the step reached.
 * Written under a temporary name and swapped in whole, so a crash never leaves half a checkpoint.
 */
export interface CheckpointParts {
  model: tf.LayersModel;
  head: LossHead;
  optimizer: MomentumSgd;
}

export interface Progress {
  /** Number of completed training steps. */
  step: number;
  headState: Record<string, unknown>;
  /** The training loop's own running state (e.g. the metrics window in progress), restored on resume. */
  loop: Record<string, unknown>;
}

export async function saveCheckpoint(dir: string, parts: CheckpointParts, step: number, loop: Record<string, unknown> = {}): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    await parts.model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        writeFileAtomic(join(tmp, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
        writeJsonAtomic(join(tmp, 'model.json'), {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs} (facelossbench)`,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        });
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    writeTensorBundle(tmp, 'head', parts.head.variables);
    writeTensorBundle(tmp, 'optimizer', parts.optimizer.state());
    const progress: Progress = { step, headState: parts.head.state(), loop };
    writeJsonAtomic(join(tmp, 'progress.json'), progress);
  });
}

export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'progress.json'));
}

/** The step a checkpoint was written at, without loading it; null when there is none. */
export function checkpointStep(dir: string): number | null {
  if (!hasCheckpoint(dir)) return null;
  return (readJsonFile(join(dir, 'progress.json'), 'checkpoint progress file') as Progress).step;
}

/** Backbone weights in model.getWeights() order (the order the architecture defines). */
export function readBackboneWeights(dir: string): tf.Tensor[] {
  const manifestPath = join(dir, 'model.json');
  const manifest = readJsonFile(manifestPath, 'checkpoint model.json') as { weightsManifest: { weights: { shape: number[]; dtype: string }[] }[] };
  const specs = manifest.weightsManifest.flatMap((g) => g.weights);
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  return specs.map((spec) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + size > all.length) throw new UserError(`checkpoint ${dir}/weights.bin is shorter than model.json describes`);
    const t = tf.tensor(all.subarray(offset, offset + size), spec.shape, 'float32');
    offset += size;
    return t;
  });
}

/** Sets a freshly built model's weights from a checkpoint, checking that the architectures agree. */
export function loadBackboneWeights(model: tf.LayersModel, dir: string): void {
  const weights = readBackboneWeights(dir);
  const own = model.weights;
  if (weights.length !== own.length) {
    throw new UserError(`checkpoint ${dir} has ${weights.length} backbone tensors, the model ${own.length}: different architecture`);
  }
  weights.forEach((w, i) => {
    if (w.shape.join('x') !== own[i]!.shape.join('x')) {
      throw new UserError(`checkpoint ${dir}: tensor ${i} has shape [${w.shape}], the model expects [${own[i]!.shape}]`);
    }
  });
  model.setWeights(weights);
  tf.dispose(weights);
}

/** Restores every part and returns where training stood. */
export function loadCheckpoint(dir: string, parts: CheckpointParts): Progress {
  if (!hasCheckpoint(dir)) throw new UserError(`no checkpoint in ${dir}`);
  loadBackboneWeights(parts.model, dir);
  const headVars = readTensorBundle(dir, 'head');
  if (headVars.length !== parts.head.variables.length) {
    throw new UserError(`checkpoint ${dir}: ${headVars.length} head tensors, the loss head has ${parts.head.variables.length}`);
  }
  headVars.forEach((t, i) => parts.head.variables[i]!.assign(t));
  const buffers = readTensorBundle(dir, 'optimizer');
  parts.optimizer.load(buffers);
  tf.dispose([...headVars, ...buffers]);
  const progress = readJsonFile(join(dir, 'progress.json'), 'checkpoint progress file') as Progress;
  parts.head.load(progress.headState);
  return { ...progress, loop: progress.loop ?? {} };
}
