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
