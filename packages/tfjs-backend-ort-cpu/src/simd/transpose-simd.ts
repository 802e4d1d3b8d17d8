import type { ConvGeometry } from '../conv/conv-geometry.js';
import type { RowGrid } from '../conv/row-grid.js';
import { CHUNK_FLOATS, ensureMemory, forEachChunk, simdKernels } from './simd-kernels.js';

/**
 * dy copied onto the filter gradient's row grid channel-major ([channels, batch · slot], zeros in the gaps), by
 * the SIMD kernel of transpose.wat. The grid is built in that module's memory and returned as a view of it, which
 * ORT reads in place: valid until the next call. Null where the kernel is unavailable or the channels are not a
 * multiple of 4; the caller then runs its JavaScript copy.
 */
export function channelMajorGridSimd(dy: Float32Array, g: ConvGeometry, grid: RowGrid): Float32Array | null {
  const k = simdKernels('transpose');
  const channels = g.outChannels;
  if (!k || channels % 4 !== 0) return null;
  const rowFloats = g.outWidth * channels;
  const chunkRows = Math.max(1, Math.floor(CHUNK_FLOATS / rowFloats));
  const chunkBytes = 4 * chunkRows * rowFloats;
  const gridPixels = g.batch * grid.slot;
  ensureMemory(k, chunkBytes + 4 * channels * gridPixels);
  const heap = new Float32Array(k.memory.buffer);
  const out = heap.subarray(chunkBytes / 4, chunkBytes / 4 + channels * gridPixels);
  out.fill(0);
  forEachChunk(g.batch * g.outHeight, chunkRows, (first, rows) => {
    heap.set(dy.subarray(first * rowFloats, (first + rows) * rowFloats), 0);
    for (let i = 0; i < rows; i++) {
      const image = Math.floor((first + i) / g.outHeight);
      const row = (first + i) % g.outHeight;
      const at = image * grid.slot + row * grid.pitch;
      k.toChannelMajor(4 * i * rowFloats, chunkBytes + 4 * at, g.outWidth, channels, gridPixels);
    }
  });
  return out;
}
