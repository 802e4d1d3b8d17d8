import type { SgdMomentumStepAttrs } from '../../../fused-ops/sgd-momentum-step.js';
import { CHUNK_FLOATS, ensureMemory, forEachChunk, simdKernels } from './simd-kernels.js';

/**
 * The SGD momentum step (../sgd-momentum-step.ts) on the SIMD kernel of sgd.wat, a chunk at a time; the same
 * bits as the loop there. Null where the kernel is unavailable.
 */
export function sgdMomentumStepSimd(
  w: Float32Array,
  v: Float32Array,
  g: Float32Array,
  { lr, momentum, weightDecay }: SgdMomentumStepAttrs,
): { w: Float32Array; v: Float32Array } | null {
  const k = simdKernels('sgd');
  if (!k) return null;
  const chunkBytes = 4 * CHUNK_FLOATS;
  ensureMemory(k, 5 * chunkBytes);
  const heap = new Float32Array(k.memory.buffer);
  const at = (buffer: number) => (buffer * chunkBytes) / 4;
  const wNext = new Float32Array(w.length);
  const vNext = new Float32Array(w.length);
  forEachChunk(w.length, CHUNK_FLOATS, (first, n) => {
    heap.set(w.subarray(first, first + n), at(0));
    heap.set(v.subarray(first, first + n), at(1));
    heap.set(g.subarray(first, first + n), at(2));
    k.sgdMomentumStep(0, chunkBytes, 2 * chunkBytes, 3 * chunkBytes, 4 * chunkBytes, (n + 3) & ~3, lr, momentum, weightDecay ? 1 : 0, weightDecay);
    wNext.set(heap.subarray(at(3), at(3) + n), first);
    vNext.set(heap.subarray(at(4), at(4) + n), first);
  });
  return { w: wNext, v: vNext };
}
