import * as tf from '@tensorflow/tfjs';
import { activeBackendHas } from './active-backend.js';
import { SGD_MOMENTUM_STEP, type SgdMomentumStepAttrs } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

export { SGD_MOMENTUM_STEP, type SgdMomentumStepAttrs } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

/**
 * One step of SGD with momentum and L2 weight decay for one variable, PyTorch's form:
 *   g ← g + λ·w;  v ← μ·v + g;  w ← w − lr·v.
 * As tfjs ops that is six elementwise kernels per variable, each with its own output buffer and its scalar
 * operand made into a tensor: on CPU, for a backbone's few dozen variables, a few percent of a training step.
 * Backends that register SGD_MOMENTUM_STEP (ort-cpu: one loop) run it as one kernel, rounding to float32
 * after every operation exactly as the op sequence does, so both forms give the same bits.
 */

function stepOps(w: tf.Tensor, v: tf.Tensor, g: tf.Tensor, a: SgdMomentumStepAttrs): [tf.Tensor, tf.Tensor] {
  const decayed = a.weightDecay ? tf.add(g, tf.mul(w, a.weightDecay)) : g;
  const velocity = tf.add(tf.mul(v, a.momentum), decayed);
  return [tf.sub(w, tf.mul(velocity, a.lr)), velocity];
}

/** The variable's and the velocity's values after one step; not differentiable. */
export function sgdMomentumStep(w: tf.Tensor, v: tf.Tensor, g: tf.Tensor, attrs: SgdMomentumStepAttrs): [tf.Tensor, tf.Tensor] {
  const fused = activeBackendHas(SGD_MOMENTUM_STEP) && [w, v, g].every((t) => t.dtype === 'float32');
  if (!fused) return stepOps(w, v, g, attrs);
  const [wNext, vNext] = tf.engine().runKernel(SGD_MOMENTUM_STEP, { w, v, g }, attrs) as tf.Tensor[];
  return [wNext!, vNext!];
}
