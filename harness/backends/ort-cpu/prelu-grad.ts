import type { TensorInfo } from '@tensorflow/tfjs';
import type { PreluGradInputs } from '../../fused-ops/prelu.js';
import { float32Data, float32Output } from './tensor-io.js';
import type { OrtKernelArgs } from './kernel-types.js';

/**
 * PReLU's gradient in one pass (harness/fused-ops/prelu.ts): dx = dy where x > 0, else α·dy; dα sums dy·x over
 * the positions with x ≤ 0 that share each α. α's shape must be a suffix of x's (leading 1s allowed), so that
 * α's element for flat index i of x is i mod |α| — the op only sends such shapes here.
 */
export function preluGradient(dy: Float32Array, x: Float32Array, alpha: Float32Array): { dx: Float32Array; dAlpha: Float32Array } {
  const n = alpha.length;
  const dx = new Float32Array(x.length);
  const dAlpha = new Float64Array(n);
  for (let i = 0; i < x.length; i += n) {
    for (let j = 0; j < n; j++) {
      const v = x[i + j]!;
      const g = dy[i + j]!;
      // Masks instead of a branch on the sign, which is unpredictable. NaN in x: mask 0, so dx = α·dy and dα
      // turns NaN, as tfjs's gradient gives.
      const negative = 1 - +(v > 0);
      dx[i + j] = g * (1 + negative * (alpha[j]! - 1));
      dAlpha[j] += negative * g * v;
    }
  }
  return { dx, dAlpha: Float32Array.from(dAlpha) };
}

export function preluGradKernel({ inputs, backend }: OrtKernelArgs<PreluGradInputs, Record<string, never>>): TensorInfo[] {
  const r = preluGradient(float32Data(backend, inputs.dy), float32Data(backend, inputs.x), float32Data(backend, inputs.alpha));
  return [float32Output(backend, inputs.x.shape, r.dx), float32Output(backend, inputs.alpha.shape, r.dAlpha)];
}
