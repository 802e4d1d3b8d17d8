import type { SgdMomentumStepAttrs } from '../fused-kernels.js';
import { elementwiseOverChunks, simdKernels } from './simd-kernels.js';

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
  const [wNext, vNext] = elementwiseOverChunks(k, [w, v, g], 2, ([inW, inV, inG, outW, outV], n) =>
    k.sgdMomentumStep(inW!, inV!, inG!, outW!, outV!, n, lr, momentum, weightDecay ? 1 : 0, weightDecay),
  );
  return { w: wNext!, v: vNext! };
}
