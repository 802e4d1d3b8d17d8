import * as tf from '@tensorflow/tfjs';
import { angleFromCos, cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * SphereFace / A-Softmax (Liu et al., CVPR 2017): a multiplicative angular margin, ψ(θ) = (−1)^k cos(mθ) − 2k
 * with k = ⌊mθ/π⌋ (monotonic in θ), blended with cos θ_y by λ so training can start: the target logit is
 * ‖x‖·(cos θ_y + (ψ(θ_y) − cos θ_y)/(1 + λ)), other logits ‖x‖·cos θ_j. W is normalised, x is not.
 * λ = max(λ_min, base·(1 + γ·step)^(−power)) anneals from near-softmax to the full margin.
 */
export default defineLoss({
  name: 'sphereface',
  title: 'SphereFace',
  summary: 'multiplicative angular margin ψ(θ_y) = (−1)^k cos(mθ_y) − 2k, annealed by λ',
  params: {
    m: { default: 4, min: 1, max: 6, integer: true, doc: 'multiplicative angular margin' },
    base: { default: 1000, min: 0, doc: 'λ at step 0' },
    gamma: { default: 0.12, min: 0, doc: 'λ decay rate γ' },
    power: { default: 1, min: 0, doc: 'λ decay power' },
    lambdaMin: { default: 5, min: 0, doc: 'floor of λ' },
  },
  createHead(ctx) {
    const { m, base, gamma, power, lambdaMin } = ctx.params;
    const lambdaAt = (step: number) => Math.max(lambdaMin, base * Math.pow(1 + gamma * step, -power));
    return cosineHead(ctx, {
      scale: (batch) => batch.xNorm,
      targetLogit: (cos, batch) => {
        const psi = psiOf(cos, m);
        return tf.add(cos, tf.div(tf.sub(psi, cos), 1 + lambdaAt(batch.step)));
      },
    });
  },
});

/** ψ(θ) from cos θ: cos(mθ) as the Chebyshev polynomial T_m(cos θ) (smooth in cos θ), k from θ (floor has zero gradient). */
export function psiOf(cos: tf.Tensor1D, m: number): tf.Tensor1D {
  const k = tf.floor(tf.div(tf.mul(angleFromCos(cos), m), Math.PI));
  const sign = tf.sub(1, tf.mul(2, tf.mod(k, 2))); // (−1)^k
  return tf.sub(tf.mul(sign, chebyshev(cos, m)), tf.mul(2, k));
}

/** T_m(c) = cos(m·acos c), by the recurrence T_{n+1} = 2c·T_n − T_{n−1}. */
function chebyshev(c: tf.Tensor1D, m: number): tf.Tensor1D {
  let previous: tf.Tensor1D = tf.onesLike(c);
  let current = c;
  for (let n = 1; n < m; n++) [previous, current] = [current, tf.sub(tf.mul(tf.mul(2, c), current), previous)];
  return current;
}
