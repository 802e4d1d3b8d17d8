import type { TensorInfo } from '@tensorflow/tfjs';
import type { ReluGradInputs } from '../fused-kernels.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, shapeKey } from '../onnx/graph-values.js';
import { largeEnoughForOrt } from '../onnx/ort-size-policy.js';
import { float32Data, float32Output, ortEligible } from '../onnx/tensor-io.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';
import { reluGradientSimd, reluSimd } from '../simd/activations-simd.js';

/**
 * ReLU's gradient (harness/fused-ops/relu.ts) from its output y ≥ 0: dx = dy · sign(y), which is dy where y > 0,
 * 0 where y = 0, and NaN where y is NaN, as tfjs's dy·step(x) gives. On the SIMD kernel (simd/activations-simd.ts)
 * where it loaded; otherwise large tensors run it as an ORT graph (vectorised, both cores: 1.8× the JS loop on
 * cold 4M-element tensors) and small ones as the loop.
 */
export function reluGradient(dy: Float32Array, y: Float32Array): Float32Array {
  const dx = new Float32Array(y.length);
  // Math.sign, not a branch on y > 0: half the activations are zero in no pattern, and a branch mispredicts.
  for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * Math.sign(y[i]!);
  return dx;
}

export function reluGradKernel({ inputs, backend }: OrtKernelArgs<ReluGradInputs, Record<string, never>>): TensorInfo {
  const { dy, y } = inputs;
  const simd = reluGradientSimd(float32Data(backend, dy), float32Data(backend, y));
  if (simd) return float32Output(backend, y.shape, simd);
  if (!largeEnoughForOrt(y.shape)) return float32Output(backend, y.shape, reluGradient(float32Data(backend, dy), float32Data(backend, y)));
  const session = cachedSession(`relu-grad|${shapeKey(y.shape)}`, () => ({
    nodes: [
      { op: 'Sign', inputs: ['y'], outputs: ['mask'] },
      { op: 'Mul', inputs: ['dy', 'mask'], outputs: ['dx'] },
    ],
    inputs: [float32Value('dy', y.shape), float32Value('y', y.shape)],
    outputs: [float32Value('dx', y.shape)],
  }));
  const dx = session.run({ dy: { data: float32Data(backend, dy), dims: y.shape }, y: { data: float32Data(backend, y), dims: y.shape } }).dx.data;
  return float32Output(backend, y.shape, dx);
}

/** Relu: on the SIMD kernel where it loaded (one pass), else ORT's Relu graph or the reference. */
export function makeReluKernel(unary: (args: OrtKernelArgs<{ x: TensorInfo }, Record<string, never>>) => TensorInfo | TensorInfo[], reference: ReferenceKernel) {
  return (args: OrtKernelArgs<{ x: TensorInfo }, Record<string, never>>): TensorInfo | TensorInfo[] => {
    const { inputs, backend } = args;
    if (!ortEligible(backend, [inputs.x])) return reference({ inputs, backend, attrs: {} });
    const y = reluSimd(float32Data(backend, inputs.x));
    return y ? float32Output(backend, inputs.x.shape, y) : unary(args);
  };
}
