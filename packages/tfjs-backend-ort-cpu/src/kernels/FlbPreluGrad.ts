import type { TensorInfo } from '@tensorflow/tfjs';
import type { PreluGradInputs } from '../fused-kernels.js';
import { float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs } from '../kernel-types.js';
import { preluGradientSimd } from '../simd/activations-simd.js';

/**
 * PReLU's gradient in one pass (harness/fused-ops/prelu.ts), on the SIMD kernel where |α| is a multiple of 4
 * (simd/activations-simd.ts), else this loop: dx = dy where x > 0, else α·dy; dα sums dy·x over
 * the positions with x ≤ 0 that share each α. α's shape must be a suffix of x's (leading 1s allowed), so that
 * α's element for flat index i of x is i mod |α| — the op only sends such shapes here.
 */
export function preluGradient(dy: Float32Array, x: Float32Array, alpha: Float32Array): { dx: Float32Array; dAlpha: Float32Array } {
  const n = alpha.length;
  const dx = new Float32Array(x.length);
  const dAlpha = new Float64Array(n);
  // Masks instead of a branch on the sign, which is unpredictable; NaN in x gets mask 0, so dx = α·dy and dα
  // turns NaN, as tfjs's gradient gives. Two rows of α's period per iteration, so consecutive adds to one
  // dα element do not wait on each other.
  const step = (i: number, j: number): number => {
    const v = x[i]!;
    const g = dy[i]!;
    const negative = 1 - +(v > 0);
    dx[i] = g * (1 + negative * (alpha[j]! - 1));
    // Not negative·g·v: for x = +∞ that is 0·∞ = NaN, where tfjs's where(x > 0, 0, dy·x) passes 0.
    return negative ? g * v : 0;
  };
  let i = 0;
  for (; i + 2 * n <= x.length; i += 2 * n) {
    for (let j = 0; j < n; j++) dAlpha[j] += step(i + j, j) + step(i + n + j, j);
  }
  for (; i < x.length; i += n) for (let j = 0; j < n; j++) dAlpha[j] += step(i + j, j);
  return { dx, dAlpha: Float32Array.from(dAlpha) };
}

export function preluGradKernel({ inputs, backend }: OrtKernelArgs<PreluGradInputs, Record<string, never>>): TensorInfo[] {
  const operands = [float32Data(backend, inputs.dy), float32Data(backend, inputs.x), float32Data(backend, inputs.alpha)] as const;
  const r = preluGradientSimd(...operands) ?? preluGradient(...operands);
  return [float32Output(backend, inputs.x.shape, r.dx), float32Output(backend, inputs.alpha.shape, r.dAlpha)];
}
