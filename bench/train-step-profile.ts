import * as tf from '@tensorflow/tfjs';

/**
 * GFLOP/s of the heavy kernels inside a real training step, from tf.profile's per-kernel times and shapes.
 * FLOPs count multiply-adds as two, from the shapes alone: C = A·B costs 2·|C|·K; a convolution (or either of
 * its gradients) costs 2·|output of the forward conv|·kh·kw·cin.
 */

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

type KernelFlops = (inputs: readonly number[][], outputs: readonly number[][]) => number;

const FLOPS: Record<string, KernelFlops> = {
  BatchMatMul: (inputs, [out]) => {
    const n = out![out!.length - 1]!;
    return 2 * size(out!) * ((size(inputs[0]!) * n) / size(out!));
  },
  Conv2D: ([, filter], [out]) => 2 * size(out!) * filter![0]! * filter![1]! * filter![2]!,
  Conv2DBackpropInput: ([dy, filter]) => 2 * size(dy!) * filter![0]! * filter![1]! * filter![2]!,
  Conv2DBackpropFilter: ([, dy], [dw]) => 2 * size(dy!) * dw![0]! * dw![1]! * dw![2]!,
};
FLOPS._FusedMatMul = FLOPS.BatchMatMul!;
FLOPS.FusedConv2D = FLOPS.Conv2D!;

export interface KernelSummary {
  kernel: string;
  calls: number;
  ms: number;
  gflops: number | null;
  /** Share of the summed kernel time of the step. */
  share: number;
}

export async function profileStep(step: () => void, top = 12): Promise<{ kernelMs: number; kernels: KernelSummary[] }> {
  const info = await tf.profile(step);
  const byName = new Map<string, { calls: number; ms: number; flops: number }>();
  let kernelMs = 0;
  for (const k of info.kernels) {
    // tf.profile also lists op wrappers (names ending in __op) and custom-gradient scopes around the kernels;
    // count registered kernels only, so no time is counted twice.
    if (tf.getKernel(k.name, tf.getBackend()) === undefined) continue;
    const ms = Number(k.kernelTimeMs);
    const entry = byName.get(k.name) ?? { calls: 0, ms: 0, flops: 0 };
    entry.calls++;
    entry.ms += ms;
    const flops = FLOPS[k.name];
    if (flops) entry.flops += flops(k.inputShapes as number[][], k.outputShapes as number[][]);
    byName.set(k.name, entry);
    kernelMs += ms;
  }
  const kernels = [...byName.entries()]
    .map(([kernel, e]) => ({
      kernel,
      calls: e.calls,
      ms: Number(e.ms.toFixed(1)),
      gflops: e.flops > 0 ? Number((e.flops / e.ms / 1e6).toFixed(2)) : null,
      share: Number((e.ms / kernelMs).toFixed(3)),
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
  return { kernelMs, kernels };
}
