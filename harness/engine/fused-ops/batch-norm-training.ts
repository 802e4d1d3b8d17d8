import * as tf from '@tensorflow/tfjs';
import { activeBackendHas } from './active-backend.js';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

export { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

/**
 * Training-mode batch normalisation over every axis but the last (NHWC channels, or the features of a
 * [batch, features] input) as one op with a hand-written gradient.
 *
 * tfjs-layers builds it from tf.moments and tf.batchNorm, whose recorded gradient runs about fifteen
 * full-size elementwise kernels per layer: the largest cost of a CNN training step on CPU. The closed-form
 * gradient needs two per-channel sums and one elementwise pass:
 *   x̂ = (x − μ)·r,  r = 1/√(σ² + ε)   (σ² the biased batch variance, as tfjs and PyTorch normalise with)
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/M − x̂·dγ/M)   (M = elements per channel)
 *
 * Backends that register the kernels below (ort-cpu: one pass of plain loops each) run forward and gradient as
 * single kernels; every other backend runs the same formulas as a handful of tfjs ops.
 */

export interface BatchNormTrainingResult {
  y: tf.Tensor;
  /** Batch mean and biased variance per channel, for the moving averages; not differentiable. */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

function reductionAxes(rank: number): number[] {
  return [...Array(rank - 1).keys()];
}

function forwardOps(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor[] {
  const axes = reductionAxes(x.rank);
  const mean = tf.mean(x, axes);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axes);
  const factor = tf.mul(tf.rsqrt(tf.add(variance, epsilon)), gamma);
  return [tf.add(tf.mul(centred, factor), beta), mean, variance];
}

function gradientOps(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor1D, mean: tf.Tensor1D, variance: tf.Tensor1D, epsilon: number): tf.Tensor[] {
  const axes = reductionAxes(x.rank);
  const perChannel = x.size / (x.shape[x.rank - 1] ?? 1);
  const rstd = tf.rsqrt(tf.add(variance, epsilon));
  const xHat = tf.mul(tf.sub(x, mean), rstd);
  const dBeta = tf.sum(dy, axes);
  const dGamma = tf.sum(tf.mul(dy, xHat), axes);
  const centredDy = tf.sub(tf.sub(dy, tf.div(dBeta, perChannel)), tf.mul(xHat, tf.div(dGamma, perChannel)));
  return [tf.mul(centredDy, tf.mul(gamma, rstd)), dGamma, dBeta];
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch statistics per channel (last axis). Differentiable in x, γ
 * and β; the returned mean and variance are kept (the caller disposes them) and carry no gradient.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainingResult {
  let stats: [tf.Tensor1D, tf.Tensor1D] | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [y, mean, variance] = activeBackendHas(BATCH_NORM_TRAINING)
      ? (tf.engine().runKernel(BATCH_NORM_TRAINING, { x: xIn, gamma: gammaIn, beta: betaIn }, { epsilon }) as tf.Tensor[])
      : forwardOps(xIn, gammaIn, betaIn, epsilon);
    // customGrad runs this inside a tidy: keep the statistics for the caller's moving averages.
    stats = [tf.keep(mean as tf.Tensor1D), tf.keep(variance as tf.Tensor1D)];
    save([xIn, gammaIn, mean!, variance!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, v] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        return activeBackendHas(BATCH_NORM_TRAINING_GRAD)
          ? (tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { dy, x: xs, gamma: g, mean: m, variance: v }, { epsilon }) as tf.Tensor[])
          : gradientOps(dy, xs, g, m, v, epsilon);
      },
    };
  });
  const y = op(x, gamma, beta);
  const [mean, variance] = stats!;
  return { y, mean, variance };
}
