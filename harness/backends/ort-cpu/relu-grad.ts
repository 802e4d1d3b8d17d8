import type { TensorInfo } from '@tensorflow/tfjs';
import type { ReluGradInputs } from '../../fused-ops/relu.js';
import { float32Data, float32Output } from './tensor-io.js';
import type { OrtKernelArgs } from './kernel-types.js';

/**
 * ReLU's gradient in one pass (harness/fused-ops/relu.ts): dx = dy where y > 0, else 0; NaN where y is NaN, as
 * tfjs's dy·step(x) gives, so a diverging run still shows NaN gradients.
 */
export function reluGradient(dy: Float32Array, y: Float32Array): Float32Array {
  const dx = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    // A multiply by the 0/1 mask, not a branch on the sign: half the activations are zero in no pattern, and
    // mispredicted branches made this loop twice as slow. The NaN test is predictable.
    dx[i] = v !== v ? NaN : dy[i]! * +(v > 0);
  }
  return dx;
}

export function reluGradKernel({ inputs, backend }: OrtKernelArgs<ReluGradInputs, Record<string, never>>): TensorInfo {
  return float32Output(backend, inputs.y.shape, reluGradient(float32Data(backend, inputs.dy), float32Data(backend, inputs.y)));
}
