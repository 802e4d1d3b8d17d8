import { CHUNK_FLOATS, ensureMemory, forEachChunk, simdKernels } from './simd-kernels.js';

/**
 * ReLU and its gradient (from the output) on the SIMD kernels of activations.wat, a chunk at a time: one pass,
 * where ORT's graphs for them take one pass per node. Null where the kernels are unavailable.
 */

/** Byte offsets of three chunk buffers; a chunk is a multiple of 4 floats, so the kernels' rounded-up tail fits. */
const BUFFERS = [0, 4 * CHUNK_FLOATS, 8 * CHUNK_FLOATS] as const;

const roundUpTo4 = (n: number) => (n + 3) & ~3;

export function reluSimd(x: Float32Array): Float32Array | null {
  const k = simdKernels('activations');
  if (!k) return null;
  ensureMemory(k, 3 * 4 * CHUNK_FLOATS);
  const heap = new Float32Array(k.memory.buffer);
  const [inX, out] = [BUFFERS[0] / 4, BUFFERS[2] / 4];
  const y = new Float32Array(x.length);
  forEachChunk(x.length, CHUNK_FLOATS, (first, n) => {
    heap.set(x.subarray(first, first + n), inX);
    k.relu(BUFFERS[0], BUFFERS[2], roundUpTo4(n));
    y.set(heap.subarray(out, out + n), first);
  });
  return y;
}

export function reluGradientSimd(dy: Float32Array, y: Float32Array): Float32Array | null {
  const k = simdKernels('activations');
  if (!k) return null;
  ensureMemory(k, 3 * 4 * CHUNK_FLOATS);
  const heap = new Float32Array(k.memory.buffer);
  const [inDy, inY, out] = BUFFERS.map((b) => b / 4) as [number, number, number];
  const dx = new Float32Array(y.length);
  forEachChunk(y.length, CHUNK_FLOATS, (first, n) => {
    heap.set(dy.subarray(first, first + n), inDy);
    heap.set(y.subarray(first, first + n), inY);
    k.reluGradient(BUFFERS[0], BUFFERS[1], BUFFERS[2], roundUpTo4(n));
    dx.set(heap.subarray(out, out + n), first);
  });
  return dx;
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
