import type { TensorInfo } from '@tensorflow/tfjs';
import type { BatchNormTrainingGradInputs, BatchNormTrainingInputs } from '../fused-kernels.js';
import { float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs } from '../kernel-types.js';
import { batchNormTrainingForwardSimd, batchNormTrainingGradientSimd } from '../simd/batch-norm-simd.js';
import { gradientCoefficients, normalisationFromShiftedSums } from '../batch-norm-coefficients.js';

/**
 * Training-mode batch norm (harness/fused-ops/batch-norm-training.ts) over the [M, C] view of an NHWC tensor:
 * on the WebAssembly SIMD kernels (simd/batch-norm-simd.ts) where C is a multiple of 4, else as the plain loops
 * below. Not ORT: each is two streaming passes, where the same formulas as ONNX nodes cost one full-size buffer
 * and pass per node. Per-channel sums accumulate in doubles.
 */

interface EpsilonAttrs {
  epsilon: number;
}

function channelsOf(x: TensorInfo): number {
  return x.shape[x.shape.length - 1] ?? 1;
}

/** y = x·factor + shift per channel (the last axis), four rows per iteration. */
function affinePerChannel(x: Float32Array, factor: Float64Array, shift: Float64Array, channels: number): Float32Array {
  const y = new Float32Array(x.length);
  const [c1, c2, c3, c4] = [channels, 2 * channels, 3 * channels, 4 * channels];
  let i = 0;
  for (; i + c4 <= x.length; i += c4) {
    for (let c = 0; c < channels; c++) {
      const f = factor[c]!;
      const h = shift[c]!;
      const j = i + c;
      y[j] = x[j]! * f + h;
      y[j + c1] = x[j + c1]! * f + h;
      y[j + c2] = x[j + c2]! * f + h;
      y[j + c3] = x[j + c3]! * f + h;
    }
  }
  for (; i < x.length; i += channels) for (let c = 0; c < channels; c++) y[i + c] = x[i + c]! * factor[c]! + shift[c]!;
  return y;
}

export function batchNormTrainingForward(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  channels: number,
  epsilon: number,
): { y: Float32Array; mean: Float32Array; variance: Float32Array } {
  const rows = x.length / channels;
  // One pass for both moments, on data shifted by each channel's first value: the shift keeps Σd² − (Σd)²/M
  // from cancelling when |μ| ≫ σ, and a second pass over x would cost as much as the whole normalisation.
  const shiftBy = x.subarray(0, channels).slice();
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  // Four rows per iteration: with one row, every element waits on the previous add to the same accumulator,
  // and the loop ran at a third of this speed. (The same unrolling recurs below for the same reason.)
  const [c1, c2, c3, c4] = [channels, 2 * channels, 3 * channels, 4 * channels];
  let i = 0;
  for (; i + c4 <= x.length; i += c4) {
    for (let c = 0; c < channels; c++) {
      const k = shiftBy[c]!;
      const j = i + c;
      const a = x[j]! - k;
      const b = x[j + c1]! - k;
      const d = x[j + c2]! - k;
      const e = x[j + c3]! - k;
      sum[c] += a + b + (d + e);
      squares[c] += a * a + b * b + (d * d + e * e);
    }
  }
  for (; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = x[i + c]! - shiftBy[c]!;
      sum[c] += d;
      squares[c] += d * d;
    }
  }
  const { mean, variance, factor } = normalisationFromShiftedSums(sum, squares, shiftBy, gamma, rows, epsilon);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) shift[c] = beta[c]! - mean[c]! * factor[c]!;
  return { y: affinePerChannel(x, factor, shift, channels), mean: Float32Array.from(mean), variance };
}

export function batchNormTrainingGradient(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  channels: number,
  epsilon: number,
): { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } {
  const rows = x.length / channels;
  const sumDy = new Float64Array(channels);
  const sumDyCentred = new Float64Array(channels);
  const [c1, c2, c3, c4] = [channels, 2 * channels, 3 * channels, 4 * channels];
  let i = 0;
  for (; i + c4 <= x.length; i += c4) {
    for (let c = 0; c < channels; c++) {
      const m = mean[c]!;
      const j = i + c;
      const ga = dy[j]!;
      const gb = dy[j + c1]!;
      const gd = dy[j + c2]!;
      const ge = dy[j + c3]!;
      sumDy[c] += ga + gb + (gd + ge);
      sumDyCentred[c] += ga * (x[j]! - m) + gb * (x[j + c1]! - m) + (gd * (x[j + c2]! - m) + ge * (x[j + c3]! - m));
    }
  }
  for (; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const g = dy[i + c]!;
      sumDy[c] += g;
      sumDyCentred[c] += g * (x[i + c]! - mean[c]!);
    }
  }
  // a·dy + b·(x − μ) + k, folded into a·dy + b·x + k' per channel (k' = k − b·μ in doubles).
  const { a, b, k, dGamma, dBeta } = gradientCoefficients(sumDy, sumDyCentred, gamma, variance, rows, epsilon);
  for (let c = 0; c < channels; c++) k[c] = k[c]! - b[c]! * mean[c]!;
  const dx = new Float32Array(x.length);
  i = 0;
  for (; i + c4 <= x.length; i += c4) {
    for (let c = 0; c < channels; c++) {
      const ac = a[c]!;
      const bc = b[c]!;
      const kc = k[c]!;
      const j = i + c;
      dx[j] = ac * dy[j]! + bc * x[j]! + kc;
      dx[j + c1] = ac * dy[j + c1]! + bc * x[j + c1]! + kc;
      dx[j + c2] = ac * dy[j + c2]! + bc * x[j + c2]! + kc;
      dx[j + c3] = ac * dy[j + c3]! + bc * x[j + c3]! + kc;
    }
  }
  for (; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) dx[i + c] = a[c]! * dy[i + c]! + b[c]! * x[i + c]! + k[c]!;
  }
  return { dx, dGamma, dBeta };
}

export function batchNormTrainingKernel({ inputs, backend, attrs }: OrtKernelArgs<BatchNormTrainingInputs, EpsilonAttrs>): TensorInfo[] {
  const channels = channelsOf(inputs.x);
  const operands = [float32Data(backend, inputs.x), float32Data(backend, inputs.gamma), float32Data(backend, inputs.beta)] as const;
  const r = batchNormTrainingForwardSimd(...operands, channels, attrs.epsilon) ?? batchNormTrainingForward(...operands, channels, attrs.epsilon);
  return [float32Output(backend, inputs.x.shape, r.y), float32Output(backend, [channels], r.mean), float32Output(backend, [channels], r.variance)];
}

export function batchNormTrainingGradKernel({ inputs, backend, attrs }: OrtKernelArgs<BatchNormTrainingGradInputs, EpsilonAttrs>): TensorInfo[] {
  const channels = channelsOf(inputs.x);
  const operands = [
    float32Data(backend, inputs.dy),
    float32Data(backend, inputs.x),
    float32Data(backend, inputs.gamma),
    float32Data(backend, inputs.mean),
    float32Data(backend, inputs.variance),
  ] as const;
  const r =
    batchNormTrainingGradientSimd(...operands, channels, attrs.epsilon) ?? batchNormTrainingGradient(...operands, channels, attrs.epsilon);
  return [
    float32Output(backend, inputs.x.shape, r.dx),
    float32Output(backend, [channels], r.dGamma),
    float32Output(backend, [channels], r.dBeta),
  ];
}
