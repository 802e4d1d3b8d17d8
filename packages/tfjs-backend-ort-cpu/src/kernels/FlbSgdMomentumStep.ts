import type { TensorInfo } from '@tensorflow/tfjs';
import type { SgdMomentumStepAttrs, SgdMomentumStepInputs } from '../fused-kernels.js';
import { float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs } from '../kernel-types.js';
import { sgdMomentumStepSimd } from '../simd/sgd-simd.js';

/**
 * SGD_MOMENTUM_STEP (harness/fused-ops/sgd-momentum-step.ts) on the SIMD kernel (simd/sgd-simd.ts), else as one
 * loop. Math.fround after each operation
 * reproduces the float32 result of every tfjs op in the composite form, scalars included.
 */
export function sgdMomentumStepValues(
  w: Float32Array,
  v: Float32Array,
  g: Float32Array,
  { lr, momentum, weightDecay }: SgdMomentumStepAttrs,
): { w: Float32Array; v: Float32Array } {
  const f = Math.fround;
  const [rate, mu, decay] = [f(lr), f(momentum), f(weightDecay)];
  const wNext = new Float32Array(w.length);
  const vNext = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const decayed = weightDecay ? f(g[i]! + f(w[i]! * decay)) : g[i]!;
    const velocity = f(f(v[i]! * mu) + decayed);
    vNext[i] = velocity;
    wNext[i] = w[i]! - f(velocity * rate);
  }
  return { w: wNext, v: vNext };
}

export function sgdMomentumStepKernel({ inputs, backend, attrs }: OrtKernelArgs<SgdMomentumStepInputs, SgdMomentumStepAttrs>): TensorInfo[] {
  const operands = [float32Data(backend, inputs.w), float32Data(backend, inputs.v), float32Data(backend, inputs.g), attrs] as const;
  const r = sgdMomentumStepSimd(...operands) ?? sgdMomentumStepValues(...operands);
  return [float32Output(backend, inputs.w.shape, r.w), float32Output(backend, inputs.w.shape, r.v)];
}
