import * as tf from '@tensorflow/tfjs';
import { arcMargin, cosPlusAngle, cosineHead, defineLoss, targetCos, whereAbove } from 'facelossbench/loss-kit';

/**
 * CurricularFace (Huang et al., CVPR 2020; HuangYG123/CurricularFace, head/metrics.py): ArcFace's target,
 * s·cos(θ_y + m) with the fallback s·(cos θ_y − m·sin(π − m)) past θ_y + m = π, and hard negatives that weigh
 * more as training goes on: a non-target with cos θ_j > cos(θ_y + m) has the logit s·cos θ_j·(t + cos θ_j),
 * others s·cos θ_j. t ← 0.01·mean_i cos θ_{i,y_i} + 0.99·t at each training step, from t = 0, before this
 * batch's logits and without gradient; t is checkpointed.
 */
export default defineLoss({
  name: 'curricularface',
  title: 'CurricularFace',
  summary: 'ArcFace target, hard negatives cos θ_j·(t + cos θ_j), t an EMA of the mean target cosine',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.5, min: 0, max: Math.PI / 2, doc: 'additive angular margin, radians' },
    tAlpha: { default: 0.01, min: 0, max: 1, doc: "weight of the batch's mean target cosine in t's update (the authors' code: 0.01)" },
  },
  createHead(ctx) {
    const { s, m, tAlpha } = ctx.params;
    let t = 0;
    return cosineHead(ctx, {
      scale: s,
      update: (batch) => {
        const meanTarget = tf.tidy(() => tf.mean(targetCos(batch)).dataSync()[0]!);
        t = tAlpha * meanTarget + (1 - tAlpha) * t;
      },
      targetLogit: (cos) => arcMargin(cos, m),
      otherLogits: (cos, batch) => {
        const hardAbove = tf.expandDims(cosPlusAngle(targetCos(batch), m), 1); // cos(θ_y + m), one per row
        return whereAbove(cos, hardAbove, tf.mul(cos, tf.add(cos, t)), cos);
      },
      state: {
        save: () => ({ t }),
        load: (state) => {
          if (typeof state.t !== 'number' || !Number.isFinite(state.t)) {
            throw new Error(`curricularface state needs a finite number "t", got ${JSON.stringify(state.t)}`);
          }
          t = state.t;
        },
      },
    });
  },
});
