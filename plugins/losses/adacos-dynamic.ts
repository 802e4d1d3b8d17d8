import * as tf from '@tensorflow/tfjs';
import { angleFromCos, cosineHead, defineLoss, median, targetCos, type Batch } from 'facelossbench/loss-kit';

/**
 * Dynamic AdaCos (Zhang et al., CVPR 2019): cosine logits whose scale adapts to the batch, so the target
 * probability keeps a useful gradient as training tightens the angles — no scale or margin to tune.
 * At each training step, without gradient, from the previous scale:
 *   B_avg = (1/N) Σ_i Σ_{k≠y_i} exp(s·cos θ_{i,k}),  θ_med = median_i θ_{i,y_i},
 *   s ← ln(B_avg) / cos(min(π/4, θ_med)),
 * and the new s scales this batch's logits. Evaluation never changes s.
 */
export default defineLoss({
  name: 'adacos-dynamic',
  title: 'Dynamic AdaCos',
  summary: 'cosine logits, scale adapted every step from B_avg and the median target angle',
  params: {
    lowerMedian: {
      default: false,
      doc: 'take the lower middle value as θ_med for an even batch (torch.median, as the reference PyTorch code does) instead of the mean of the two',
    },
  },
  validate: ({ numClasses }) =>
    numClasses >= 3 ? null : `adacos-dynamic needs at least 3 classes (got ${numClasses}): its initial scale √2·ln(C−1) would be ≤ 0`,
  createHead(ctx) {
    const { lowerMedian } = ctx.params;
    let s = Math.SQRT2 * Math.log(ctx.numClasses - 1);
    return cosineHead(ctx, {
      scale: (batch) => {
        if (batch.training) s = adaptedScale(batch, s, lowerMedian);
        return s;
      },
      state: {
        save: () => ({ scale: s }),
        load: (state) => {
          if (typeof state.scale !== 'number' || !Number.isFinite(state.scale)) {
            throw new Error(`adacos-dynamic state needs a finite number "scale", got ${JSON.stringify(state.scale)}`);
          }
          s = state.scale;
        },
      },
    });
  },
});

function adaptedScale(batch: Batch, s: number, lowerMedian: boolean): number {
  const n = batch.cos.shape[0];
  // ln B_avg = logsumexp over the non-target logits − ln N; exp() of them directly overflows float32.
  const lnBAvg = tf.tidy(() => {
    const logits = tf.mul(batch.cos, s);
    const nonTarget = tf.where(tf.cast(batch.targetMask, 'bool'), tf.fill(logits.shape, -Infinity), logits);
    return tf.logSumExp(nonTarget).dataSync()[0]! - Math.log(n);
  });
  const theta = tf.tidy(() => angleFromCos(targetCos(batch)).dataSync() as Float32Array);
  const thetaMed = lowerMedian ? Array.from(theta).sort((a, b) => a - b)[Math.floor((n - 1) / 2)]! : median(theta);
  return lnBAvg / Math.cos(Math.min(Math.PI / 4, thetaMed));
}
