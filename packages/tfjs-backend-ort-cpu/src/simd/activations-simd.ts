import { CHUNK_FLOATS, elementwiseOverChunks, ensureMemory, forEachChunk, simdKernels } from './simd-kernels.js';

/**
 * ReLU, PReLU and their gradients (ReLU's from its output) on the SIMD kernels of activations.wat, a chunk at a
 * time: one pass, where ORT's graphs for them take one pass per node. Null where the kernels are unavailable.
 */

export function reluSimd(x: Float32Array): Float32Array | null {
  const k = simdKernels('activations');
  if (!k) return null;
  return elementwiseOverChunks(k, [x], 1, ([inX, out], n) => k.relu(inX!, out!, n))[0]!;
}

export function reluGradientSimd(dy: Float32Array, y: Float32Array): Float32Array | null {
  const k = simdKernels('activations');
  if (!k) return null;
  return elementwiseOverChunks(k, [dy, y], 1, ([inDy, inY, out], n) => k.reluGradient(inDy!, inY!, out!, n))[0]!;
}

/** Byte offsets for PReLU: α (f32) and dα (f64) first, then three chunk buffers of whole rows of n. */
function preluLayout(k: { memory: WebAssembly.Memory }, n: number) {
  const chunkRows = Math.max(1, Math.floor(CHUNK_FLOATS / n));
  const chunkBytes = 4 * chunkRows * n;
  const alpha = 0;
  const dAlpha = 4 * n + (4 * n) % 8;
  const in0 = dAlpha + 8 * n;
  const l = { chunkRows, alpha, dAlpha, in0, in1: in0 + chunkBytes, out: in0 + 2 * chunkBytes };
  ensureMemory(k, l.out + chunkBytes);
  return l;
}

/** y = x < 0 ? α·x : x with α repeating along x (α's length n a multiple of 4 dividing x's). */
export function preluSimd(x: Float32Array, alpha: Float32Array): Float32Array | null {
  const k = simdKernels('activations');
  const n = alpha.length;
  if (!k || n % 4 !== 0 || n === 0 || x.length % n !== 0) return null;
  const l = preluLayout(k, n);
  const heap = new Float32Array(k.memory.buffer);
  heap.set(alpha, l.alpha / 4);
  const y = new Float32Array(x.length);
  forEachChunk(x.length / n, l.chunkRows, (first, rows) => {
    heap.set(x.subarray(first * n, (first + rows) * n), l.in0 / 4);
    k.prelu(l.in0, l.alpha, l.out, rows, n);
    y.set(heap.subarray(l.out / 4, l.out / 4 + rows * n), first * n);
  });
  return y;
}

/** PReLU's gradient as ../prelu-grad.ts defines it: dx, and dα summed over x's rows; same preconditions. */
export function preluGradientSimd(dy: Float32Array, x: Float32Array, alpha: Float32Array): { dx: Float32Array; dAlpha: Float32Array } | null {
  const k = simdKernels('activations');
  const n = alpha.length;
  if (!k || n % 4 !== 0 || n === 0 || x.length % n !== 0) return null;
  const l = preluLayout(k, n);
  const heap = new Float32Array(k.memory.buffer);
  const sums = new Float64Array(k.memory.buffer, l.dAlpha, n);
  heap.set(alpha, l.alpha / 4);
  sums.fill(0);
  const dx = new Float32Array(x.length);
  forEachChunk(x.length / n, l.chunkRows, (first, rows) => {
    heap.set(dy.subarray(first * n, (first + rows) * n), l.in0 / 4);
    heap.set(x.subarray(first * n, (first + rows) * n), l.in1 / 4);
    k.preluGradient(l.in0, l.in1, l.alpha, l.out, l.dAlpha, rows, n);
    dx.set(heap.subarray(l.out / 4, l.out / 4 + rows * n), first * n);
  });
  return { dx, dAlpha: Float32Array.from(sums) };
}
