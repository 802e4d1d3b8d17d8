import { CHUNK_FLOATS, ensureMemory, forEachChunk, simdKernels, type BatchNormExports } from './simd-kernels.js';
import { gradientCoefficients, normalisationFromShiftedSums } from '../batch-norm-coefficients.js';

/**
 * Training-mode batch norm, forward and gradient, on the SIMD kernels of batch-norm.wat: the same formulas as
 * the JavaScript loops of ../batch-norm-training.ts, for channel counts that are a multiple of 4. Returns null
 * where the kernels are unavailable or the channels do not fit, and the caller runs the loops.
 */

/** Byte offsets of the per-channel vectors and the chunk buffers in the module's memory. */
interface Layout {
  chunkRows: number;
  /** f32 vectors */
  shift: number;
  mean: number;
  factor: number;
  beta: number;
  b: number;
  k: number;
  /** f64 vectors */
  sum: number;
  sq: number;
  /** chunk buffers */
  in0: number;
  in1: number;
  out: number;
}

function layoutFor(k: BatchNormExports, channels: number): Layout {
  const f32 = channels * 4;
  const f64 = channels * 8;
  const chunkRows = Math.max(1, Math.floor(CHUNK_FLOATS / channels));
  const chunkBytes = chunkRows * f32;
  const l: Layout = {
    chunkRows,
    shift: 0,
    mean: f32,
    factor: 2 * f32,
    beta: 3 * f32,
    b: 4 * f32,
    k: 5 * f32,
    sum: 6 * f32,
    sq: 6 * f32 + f64,
    in0: 6 * f32 + 2 * f64,
    in1: 6 * f32 + 2 * f64 + chunkBytes,
    out: 6 * f32 + 2 * f64 + 2 * chunkBytes,
  };
  ensureMemory(k, l.out + chunkBytes);
  return l;
}

/** The module, its layout for `channels` and views of its memory (taken after any growth); null if unusable. */
function prepare(channels: number) {
  const k = simdKernels('batchNorm');
  if (k === null || channels % 4 !== 0 || channels === 0) return null;
  const l = layoutFor(k, channels);
  const f64 = new Float64Array(k.memory.buffer);
  /** The per-channel f64 sums at byte offset `at`. */
  const sums = (at: number) => f64.subarray(at / 8, at / 8 + channels);
  return { k, l, f32: new Float32Array(k.memory.buffer), f64, sums };
}

export function batchNormTrainingForwardSimd(
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  channels: number,
  epsilon: number,
): { y: Float32Array; mean: Float32Array; variance: Float32Array } | null {
  const memory = prepare(channels);
  if (!memory) return null;
  const { k, l, f32, f64, sums } = memory;
  const rows = x.length / channels;
  // The moments of x shifted by its first row, as the loops do: Σd² − (Σd)²/M then cannot cancel when |μ| ≫ σ.
  f32.set(x.subarray(0, channels), l.shift / 4);
  f64.fill(0, l.sum / 8, l.sum / 8 + 2 * channels);
  forEachChunk(rows, l.chunkRows, (first, n) => {
    f32.set(x.subarray(first * channels, (first + n) * channels), l.in0 / 4);
    k.moments(l.in0, n, channels, l.shift, l.sum, l.sq);
  });
  const stats = normalisationFromShiftedSums(sums(l.sum), sums(l.sq), f32.subarray(l.shift / 4), gamma, rows, epsilon);
  const mean = Float32Array.from(stats.mean);
  f32.set(stats.factor, l.factor / 4);
  f32.set(mean, l.mean / 4);
  f32.set(beta, l.beta / 4);
  const y = new Float32Array(x.length);
  forEachChunk(rows, l.chunkRows, (first, n) => {
    f32.set(x.subarray(first * channels, (first + n) * channels), l.in0 / 4);
    k.normalize(l.in0, l.out, n, channels, l.mean, l.factor, l.beta);
    y.set(f32.subarray(l.out / 4, l.out / 4 + n * channels), first * channels);
  });
  return { y, mean, variance: stats.variance };
}

export function batchNormTrainingGradientSimd(
  dy: Float32Array,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  channels: number,
  epsilon: number,
): { dx: Float32Array; dGamma: Float32Array; dBeta: Float32Array } | null {
  const memory = prepare(channels);
  if (!memory) return null;
  const { k, l, f32, f64, sums } = memory;
  const rows = x.length / channels;
  const copyIn = (first: number, n: number) => {
    f32.set(dy.subarray(first * channels, (first + n) * channels), l.in0 / 4);
    f32.set(x.subarray(first * channels, (first + n) * channels), l.in1 / 4);
  };
  f32.set(mean, l.mean / 4);
  f64.fill(0, l.sum / 8, l.sum / 8 + 2 * channels);
  forEachChunk(rows, l.chunkRows, (first, n) => {
    copyIn(first, n);
    k.gradientSums(l.in0, l.in1, n, channels, l.mean, l.sum, l.sq);
  });
  // The kernel computes a·dy + b·(x − μ) + k unfolded: in float32, b·x and k − b·μ could cancel.
  const { a, b, k: kc, dGamma, dBeta } = gradientCoefficients(sums(l.sum), sums(l.sq), gamma, variance, rows, epsilon);
  f32.set(a, l.factor / 4);
  f32.set(b, l.b / 4);
  f32.set(kc, l.k / 4);
  const dx = new Float32Array(x.length);
  forEachChunk(rows, l.chunkRows, (first, n) => {
    copyIn(first, n);
    k.gradientDx(l.in0, l.in1, l.out, n, channels, l.mean, l.factor, l.b, l.k);
    dx.set(f32.subarray(l.out / 4, l.out / 4 + n * channels), first * channels);
  });
  return { dx, dGamma, dBeta };
}
