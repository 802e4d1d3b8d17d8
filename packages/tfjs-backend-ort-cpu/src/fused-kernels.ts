import type * as tf from '@tensorflow/tfjs';

/**
 * The kernels this backend adds to tfjs: single-kernel forms of training-mode batch norm, the PReLU and ReLU
 * gradients and the SGD momentum step. Their names and inputs are the contract with the code that calls them
 * (facelossbench's fused ops, harness/engine/fused-ops/, which run them where the active backend registers
 * them and the same formulas as plain tfjs ops elsewhere); the implementations are in kernels/Flb*.ts.
 */

export const BATCH_NORM_TRAINING = 'FlbBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'FlbBatchNormTrainingGrad';

/** Inputs of BATCH_NORM_TRAINING; attrs {epsilon}. Outputs [y, mean, variance], the last two of shape [C]. */
export interface BatchNormTrainingInputs extends tf.NamedTensorInfoMap {
  x: tf.TensorInfo;
  gamma: tf.TensorInfo;
  beta: tf.TensorInfo;
}

/** Inputs of BATCH_NORM_TRAINING_GRAD; attrs {epsilon}. Outputs [dx, dgamma, dbeta]. */
export interface BatchNormTrainingGradInputs extends tf.NamedTensorInfoMap {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
  gamma: tf.TensorInfo;
  mean: tf.TensorInfo;
  variance: tf.TensorInfo;
}

export const PRELU_GRAD = 'FlbPreluGrad';

/** Inputs of PRELU_GRAD; no attrs. Outputs [dx (shape of x), dalpha (shape of alpha)]. */
export interface PreluGradInputs extends tf.NamedTensorInfoMap {
  dy: tf.TensorInfo;
  x: tf.TensorInfo;
  alpha: tf.TensorInfo;
}

/** True when `inner` without leading 1s is a suffix of `outer`: then element i of outer pairs with i mod |inner|. */
export function repeatsAlong(inner: readonly number[], outer: readonly number[]): boolean {
  const shape = [...inner];
  while (shape.length > 0 && shape[0] === 1) shape.shift();
  return shape.length <= outer.length && shape.every((d, i) => d === outer[outer.length - shape.length + i]);
}

export const RELU_GRAD = 'FlbReluGrad';

/** Inputs of RELU_GRAD: the incoming gradient and ReLU's output; no attrs. Output: dx. */
export interface ReluGradInputs extends tf.NamedTensorInfoMap {
  dy: tf.TensorInfo;
  y: tf.TensorInfo;
}

export const SGD_MOMENTUM_STEP = 'FlbSgdMomentumStep';

/** Inputs of SGD_MOMENTUM_STEP; attrs SgdMomentumStepAttrs. Outputs [new w, new v], shaped as w. */
export interface SgdMomentumStepInputs extends tf.NamedTensorInfoMap {
  w: tf.TensorInfo;
  v: tf.TensorInfo;
  g: tf.TensorInfo;
}

export interface SgdMomentumStepAttrs extends tf.NamedAttrMap {
  lr: number;
  momentum: number;
  weightDecay: number;
}
