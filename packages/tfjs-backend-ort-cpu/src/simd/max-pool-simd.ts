import type { backend_util } from '@tensorflow/tfjs';
import { CHUNK_FLOATS, ensureMemory, forEachChunk, simdKernels } from './simd-kernels.js';

/**
 * 2×2, stride-2 max-pool and its gradient on the SIMD kernels of max-pool.wat, a chunk of output rows at a
 * time, for inputs whose height and width are exactly twice the output's (no row or column left over) and whose
 * channels are a multiple of 4. Null otherwise, or where the kernels are unavailable; callers then run the
 * JavaScript loops of ../max-pool.ts and ../max-pool-grad.ts, whose results these equal exactly.
 */

function geometry(info: backend_util.Conv2DInfo) {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  if (channels % 4 !== 0 || inHeight !== 2 * outHeight || inWidth !== 2 * outWidth) return null;
  // An output row reads two whole input rows, so output rows of consecutive images are consecutive too.
  const outRowFloats = outWidth * channels;
  const inRowPairFloats = 4 * outRowFloats;
  return { outRows: batchSize * outHeight, outWidth, channels, outRowFloats, inRowPairFloats, chunkRows: Math.max(1, Math.floor(CHUNK_FLOATS / inRowPairFloats)) };
}

export function maxPool2x2Simd(x: Float32Array, info: backend_util.Conv2DInfo): Float32Array | null {
  const k = simdKernels('maxPool');
  const g = geometry(info);
  if (!k || !g) return null;
  const inBytes = 4 * g.chunkRows * g.inRowPairFloats;
  ensureMemory(k, inBytes + 4 * g.chunkRows * g.outRowFloats);
  const heap = new Float32Array(k.memory.buffer);
  const y = new Float32Array(g.outRows * g.outRowFloats);
  forEachChunk(g.outRows, g.chunkRows, (first, rows) => {
    heap.set(x.subarray(first * g.inRowPairFloats, (first + rows) * g.inRowPairFloats), 0);
    k.maxPool(0, inBytes, rows, g.outWidth, g.channels);
    y.set(heap.subarray(inBytes / 4, inBytes / 4 + rows * g.outRowFloats), first * g.outRowFloats);
  });
  return y;
}

export function maxPoolGrad2x2Simd(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array | null {
  const k = simdKernels('maxPool');
  const g = geometry(info);
  if (!k || !g) return null;
  const inBytes = 4 * g.chunkRows * g.inRowPairFloats;
  const dyBytes = 4 * g.chunkRows * g.outRowFloats;
  ensureMemory(k, 2 * inBytes + dyBytes);
  const heap = new Float32Array(k.memory.buffer);
  const dx = new Float32Array(x.length);
  forEachChunk(g.outRows, g.chunkRows, (first, rows) => {
    heap.set(x.subarray(first * g.inRowPairFloats, (first + rows) * g.inRowPairFloats), 0);
    heap.set(dy.subarray(first * g.outRowFloats, (first + rows) * g.outRowFloats), inBytes / 4);
    k.maxPoolGradient(0, inBytes, inBytes + dyBytes, rows, g.outWidth, g.channels);
    const at = (inBytes + dyBytes) / 4;
    dx.set(heap.subarray(at, at + rows * g.inRowPairFloats), first * g.inRowPairFloats);
  });
  return dx;
}
