import type { TensorInfo } from '@tensorflow/tfjs';
import type { ReluGradInputs } from '../../fused-ops/relu.js';
import { float32Data, float32Output } from './tensor-io.js';
import type { OrtKernelArgs } from './kernel-types.js';

/**
 * ReLU's gradient in one pass (harness/fused-ops/relu.ts): dx = dy where y > 0, else 0, as a multiply by the
 * 0/1 mask — half the activations are zero in no pattern, and a branch on the sign mispredicted often enough
 * to double the time. One difference from tfjs's dy·step(x): where y is NaN, dx is 0, not NaN (testing for
 * NaN cost 3–6× the pass). A NaN activation already makes the loss NaN, and the trainer stops there.
 */
export function reluGradient(dy: Float32Array, y: Float32Array): Float32Array {
  const dx = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * +(y[i]! > 0);
  return dx;
}

export function reluGradKernel({ inputs, backend }: OrtKernelArgs<ReluGradInputs, Record<string, never>>): TensorInfo {
  return float32Output(backend, inputs.y.shape, reluGradient(float32Data(backend, inputs.dy), float32Data(backend, inputs.y)));
}
