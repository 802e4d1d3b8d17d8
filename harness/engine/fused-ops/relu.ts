import * as tf from '@tensorflow/tfjs';
import { activeBackendHas } from './active-backend.js';
import { RELU_GRAD } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

export { RELU_GRAD } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

/**
 * ReLU with its gradient as one kernel where the backend has it. tfjs's recorded gradient is dy·step(x): two
 * full-size passes and a temporary the size of the activation, per layer. ort-cpu registers RELU_GRAD
 * (dx = dy·sign(y) from the output, one kernel); other backends keep tfjs's gradient.
 */

export function relu(x: tf.Tensor): tf.Tensor {
  if (!activeBackendHas(RELU_GRAD) || x.dtype !== 'float32') return tf.relu(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.relu(xIn);
    // y > 0 exactly where x > 0, so the output is all the gradient needs.
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(RELU_GRAD, { dy, y: saved[0]! }) as tf.Tensor };
  });
  return op(x);
}
