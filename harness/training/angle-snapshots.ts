import * as tf from '@tensorflow/tfjs';
import type { TrainSet } from '../data/readers/train-set.js';
import type { LossHead } from '../plugins/losses/contract.js';
import type { AngleSnapshot, AnglesArtefact } from '../run-store/angles.js';
import type { RunHandle } from '../run-store/run-store.js';

/**
 * The angle distributions of the AdaCos paper's analysis figures, measured during training: θ_y (each training
 * image's angle to its own class weight) at several points of training, and the angles to every other class
 * (which the paper shows staying near 90°). Taken in evaluation mode on the first ANGLE_SAMPLE training images,
 * so every loss is measured on the same images. Stored as the run artefact 'angles'.
 */
export const ANGLE_SAMPLE = 2048;

/** Fractions of training after which a snapshot is taken; the last is the end of training. */
export const SNAPSHOT_FRACTIONS = [0.25, 0.5, 0.75, 1] as const;

/** The steps at which a run of `steps` steps takes its snapshots (distinct, ascending, ≥ 1). */
export function snapshotSteps(steps: number): number[] {
  return [...new Set(SNAPSHOT_FRACTIONS.map((f) => Math.max(1, Math.round(f * steps))))];
}

/** One batch's cosines to every class, from the head's class weights when they are one column per class. */
function cosinesToClasses(embeddings: tf.Tensor2D, head: LossHead, numClasses: number): tf.Tensor2D | null {
  const W = head.classWeights;
  if (W.shape.length !== 2 || W.shape[1] !== numClasses) return null;
  const unit = (t: tf.Tensor2D, axis: 0 | 1) => tf.mul(t, tf.rsqrt(tf.maximum(tf.sum(tf.square(t), axis, true), 1e-12))) as tf.Tensor2D;
  return tf.clipByValue(tf.matMul(unit(embeddings, 1), unit(W as tf.Variable<tf.Rank.R2>, 0)), -1, 1) as tf.Tensor2D;
}

/** Measures one snapshot under the current weights (evaluation mode: no state of the run changes). */
export async function measureAngles(model: tf.LayersModel, head: LossHead, trainSet: TrainSet, trainingBatch: number, step: number): Promise<AngleSnapshot> {
  const count = Math.min(trainSet.size, ANGLE_SAMPLE);
  // Inference needs no gradient memory: batches larger than training's keep the pass short.
  const batchSize = Math.max(trainingBatch, 256);
  const [h, w, c] = trainSet.shape;
  const target: number[] = [];
  let counts: number[] | undefined = new Array(180).fill(0);
  for (let start = 0; start < count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
    const labels = indices.map((i) => trainSet.labelOf(i));
    const pixels = await trainSet.read(indices);
    let perClass: Float32Array | null = null;
    tf.tidy(() => {
      const embeddings = model.apply(tf.tensor4d(pixels, [indices.length, h, w, c]), { training: false }) as tf.Tensor2D;
      const cos = cosinesToClasses(embeddings, head, trainSet.numClasses);
      if (cos) perClass = tf.mul(tf.acos(cos), 180 / Math.PI).dataSync() as Float32Array;
      else head.forward(embeddings, tf.tensor1d(labels, 'int32'), { step, training: false });
    });
    if (!perClass) {
      // A head with several weight vectors per class: its own θ_y, no non-target distribution.
      target.push(...head.targetAnglesDeg());
      counts = undefined;
      continue;
    }
    const C = trainSet.numClasses;
    const degrees: Float32Array = perClass;
    labels.forEach((y, r) => {
      for (let j = 0; j < C; j++) {
        const deg = degrees[r * C + j]!;
        if (j === y) target.push(deg);
        else if (counts) counts[Math.min(179, Math.floor(deg))]!++;
      }
    });
  }
  return {
    step,
    images: count,
    thetaTargetDeg: target.map((a) => Math.round(a * 100) / 100),
    ...(counts ? { nonTargetHistogram: { binDeg: 1 as const, counts } } : {}),
  };
}

/** Adds a snapshot to the run's 'angles' artefact (replacing one at the same step, as a resumed run retakes it). */
export function recordSnapshot(run: RunHandle, snapshot: AngleSnapshot): void {
  const previous = run.readArtefact<Partial<AnglesArtefact>>('angles');
  const snapshots = [...(previous?.snapshots ?? []).filter((s) => s.step < snapshot.step), snapshot];
  const last = snapshots[snapshots.length - 1]!;
  run.writeArtefact('angles', { snapshots, step: last.step, images: last.images, thetaTargetDeg: last.thetaTargetDeg } satisfies AnglesArtefact);
}
