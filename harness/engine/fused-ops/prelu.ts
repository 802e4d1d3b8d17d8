import * as tf from '@tensorflow/tfjs';
import { activeBackendHas } from './active-backend.js';
import { PRELU_GRAD, repeatsAlong } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

export { PRELU_GRAD, repeatsAlong } from '@facelossbench/tfjs-backend-ort-cpu/fused-kernels';

/**
 * PReLU, y = x for x > 0 and α·x otherwise, with its gradient as one kernel where the backend has it.
 *
 * tfjs's recorded PReLU gradient runs Greater, two Selects, two Multiplies, a ZerosLike and a Sum over full-size
 * tensors, and its boolean ops have no fast kernels on CPU: about a sixth of an IR-ResNet step. ort-cpu
 * registers PRELU_GRAD (one pass: dx and the per-channel dα together); other backends keep tfjs's gradient.
 */

export function prelu(x: tf.Tensor, alpha: tf.Tensor): tf.Tensor {
  const fused = activeBackendHas(PRELU_GRAD) && x.dtype === 'float32' && repeatsAlong(alpha.shape, x.shape);
  if (!fused) return tf.prelu(x, alpha);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, alphaIn, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xIn, alphaIn]);
    return {
      value: tf.prelu(xIn, alphaIn),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(PRELU_GRAD, { dy, x: saved[0]!, alpha: saved[1]! }) as tf.Tensor[],
    };
  });
  return op(x, alpha);
}
