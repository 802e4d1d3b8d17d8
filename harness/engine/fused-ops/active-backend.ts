import * as tf from '@tensorflow/tfjs';

/** Whether the active backend registers this kernel: the fused ops run their single kernel where it does. */
export function activeBackendHas(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
