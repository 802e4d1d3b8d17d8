import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss, withoutGradient, type Batch } from 'facelossbench/loss-kit';

/**
 * AdaFace (Kim et al., CVPR 2022; mk-minchul/AdaFace, head.py): the feature norm as a proxy of image quality sets
 * the margin. With ‖x‖ clipped to [0.001, 100] and detached, and μ, σ running means of the batch's norm mean
 * and (unbiased) std — updated first at each training step with weight t_alpha, from the authors' buffers
 * μ = 20, σ = 100 — ẑ = clip(h·(‖x‖ − μ)/(σ + ε), −1, 1) and the target logit is
 *   s·(cos(clip(θ_y − m·ẑ, ε, π − ε)) − (m + m·ẑ)),
 * an angular margin for high-quality samples and an additive one for low-quality ones; other logits s·cos θ_j.
 * Every cosine is clamped to [−1 + ε, 1 − ε] first, ε = 10⁻³, as the authors do. μ and σ are checkpointed.
 */
const EPS = 1e-3;

export default defineLoss({
  name: 'adaface',
  title: 'AdaFace',
  summary: 'margin adapted to image quality via the feature norm, normalised by EMA batch statistics',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.4, min: 0, max: 1, doc: 'margin' },
    h: { default: 0.333, min: 0, max: 10, doc: 'how far the norm moves the margin: ẑ = clip(h·(‖x‖ − μ)/(σ + ε), −1, 1)' },
    tAlpha: { default: 0.01, min: 0, max: 1, doc: "weight of the batch's norm mean and std in the running μ, σ" },
  },
  createHead(ctx) {
    const { s, m, h, tAlpha } = ctx.params;
    let mean = 20;
    let std = 100;
    const clippedNorms = (batch: Batch) => withoutGradient(tf.clipByValue(tf.reshape(batch.xNorm, [-1]), 0.001, 100)) as tf.Tensor1D;
    return cosineHead(ctx, {
      scale: s,
      update: (batch) => {
        const norms = Array.from(clippedNorms(batch).dataSync());
        const n = norms.length;
        const batchMean = norms.reduce((a, v) => a + v, 0) / n;
        mean = tAlpha * batchMean + (1 - tAlpha) * mean;
        // torch.std is unbiased; one sample has no spread to learn from, so σ stays (torch would give NaN).
        if (n > 1) std = tAlpha * Math.sqrt(norms.reduce((a, v) => a + (v - batchMean) ** 2, 0) / (n - 1)) + (1 - tAlpha) * std;
      },
      otherLogits: (cos) => tf.clipByValue(cos, -1 + EPS, 1 - EPS),
      targetLogit: (cos, batch) => {
        const z = tf.clipByValue(tf.mul(tf.div(tf.sub(clippedNorms(batch), mean), std + EPS), h), -1, 1);
        const theta = tf.acos(tf.clipByValue(cos, -1 + EPS, 1 - EPS));
        const angular = tf.cos(tf.clipByValue(tf.sub(theta, tf.mul(z, m)), EPS, Math.PI - EPS));
        return tf.sub(angular, tf.add(tf.mul(z, m), m));
      },
      state: {
        save: () => ({ batchMean: mean, batchStd: std }),
        load: (state) => {
          for (const key of ['batchMean', 'batchStd'] as const) {
            if (typeof state[key] !== 'number' || !Number.isFinite(state[key])) {
              throw new Error(`adaface state needs a finite number "${key}", got ${JSON.stringify(state[key])}`);
            }
          }
          mean = state.batchMean as number;
          std = state.batchStd as number;
        },
      },
    });
  },
});
