import type { TensorInfo } from '@tensorflow/tfjs';
import type { BatchNormTrainingGradInputs, BatchNormTrainingInputs } from '../../fused-ops/batch-norm-training.js';
import { float32Data, float32Output } from './tensor-io.js';
import type { OrtKernelArgs } from './kernel-types.js';

/**
 * Training-mode batch norm (harness/fused-ops/batch-norm-training.ts) as plain loops over the [M, C] view of an
 * NHWC tensor. Not ORT: each is two or three streaming passes, where the same formulas as ONNX nodes cost one
 * full-size buffer and pass per node. Per-channel sums accumulate in doubles.
 */

interface EpsilonAttrs {
  epsilon: number;
}

function channelsOf(x: TensorInfo): number {
  return x.shape[x.shape.length - 1] ?? 1;
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
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const d = x[i + c]! - shiftBy[c]!;
      sum[c] += d;
      squares[c] += d * d;
    }
  }
  const mean = new Float64Array(channels);
  for (let c = 0; c < channels; c++) mean[c] = shiftBy[c]! + sum[c]! / rows;
  const variance = new Float32Array(channels);
  const factor = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const shiftedMean = sum[c]! / rows;
    variance[c] = Math.max(0, squares[c]! / rows - shiftedMean * shiftedMean);
    factor[c] = gamma[c]! / Math.sqrt(variance[c]! + epsilon);
    shift[c] = beta[c]! - mean[c]! * factor[c]!;
  }
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += channels) for (let c = 0; c < channels; c++) y[i + c] = x[i + c]! * factor[c]! + shift[c]!;
  return { y, mean: Float32Array.from(mean), variance };
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
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const g = dy[i + c]!;
      sumDy[c] += g;
      sumDyCentred[c] += g * (x[i + c]! - mean[c]!);
    }
  }
  // dx = γr·(dy − Σdy/M − (x − μ)·r²·Σdy(x − μ)/M), folded into dx = a·dy + b·x + k per channel.
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  const dGamma = new Float32Array(channels);
  const dBeta = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt(variance[c]! + epsilon);
    a[c] = gamma[c]! * r;
    b[c] = (-a[c]! * r * r * sumDyCentred[c]!) / rows;
    k[c] = (-a[c]! * sumDy[c]!) / rows - b[c]! * mean[c]!;
    dGamma[c] = sumDyCentred[c]! * r;
    dBeta[c] = sumDy[c]!;
  }
  const dx = new Float32Array(x.length);
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) dx[i + c] = a[c]! * dy[i + c]! + b[c]! * x[i + c]! + k[c]!;
  }
  return { dx, dGamma, dBeta };
}

export function batchNormTrainingKernel({ inputs, backend, attrs }: OrtKernelArgs<BatchNormTrainingInputs, EpsilonAttrs>): TensorInfo[] {
  const channels = channelsOf(inputs.x);
  const r = batchNormTrainingForward(
    float32Data(backend, inputs.x),
    float32Data(backend, inputs.gamma),
    float32Data(backend, inputs.beta),
    channels,
    attrs.epsilon,
  );
  return [float32Output(backend, inputs.x.shape, r.y), float32Output(backend, [channels], r.mean), float32Output(backend, [channels], r.variance)];
}

export function batchNormTrainingGradKernel({ inputs, backend, attrs }: OrtKernelArgs<BatchNormTrainingGradInputs, EpsilonAttrs>): TensorInfo[] {
  const channels = channelsOf(inputs.x);
  const r = batchNormTrainingGradient(
    float32Data(backend, inputs.dy),
    float32Data(backend, inputs.x),
    float32Data(backend, inputs.gamma),
    float32Data(backend, inputs.mean),
    float32Data(backend, inputs.variance),
    channels,
    attrs.epsilon,
  );
  return [
    float32Output(backend, inputs.x.shape, r.dx),
    float32Output(backend, [channels], r.dGamma),
    float32Output(backend, [channels], r.dBeta),
  ];
}
