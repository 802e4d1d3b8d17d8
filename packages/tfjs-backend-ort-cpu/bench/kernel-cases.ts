/**
 * The heavy kernels of a training step at the shapes our backbones use, and how to time one in isolation.
 */
import * as tf from '@tensorflow/tfjs';
import { ortRunCount } from '../src/onnx/ort-runtime.js';
import { medianMs } from './timing.js';

export interface KernelCase {
  kernel: 'MatMul' | 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';
  /** Where the shape comes from, e.g. 'iresnet18 stage 1, batch 32'. */
  where: string;
  /** MatMul: [m, k, n]. Convolutions: NHWC input [n, h, w, cin], then [kernel, cout, stride]. */
  dims: number[];
}

export const KERNEL_CASES: readonly KernelCase[] = [
  { kernel: 'MatMul', where: 'issue 6 reference GEMM', dims: [1024, 512, 1024] },
  { kernel: 'MatMul', where: 'iresnet18 embedding FC, batch 32', dims: [32, 25088, 512] },
  { kernel: 'Conv2D', where: 'iresnet18 stage 1 conv, batch 32', dims: [32, 56, 56, 64, 3, 64, 1] },
  { kernel: 'Conv2DBackpropInput', where: 'iresnet18 stage 1 conv, batch 32', dims: [32, 56, 56, 64, 3, 64, 1] },
  { kernel: 'Conv2DBackpropFilter', where: 'iresnet18 stage 1 conv, batch 32', dims: [32, 56, 56, 64, 3, 64, 1] },
  { kernel: 'Conv2D', where: 'iresnet18 stage 2 entry (stride 2), batch 32', dims: [32, 56, 56, 64, 3, 128, 2] },
  { kernel: 'Conv2DBackpropInput', where: 'iresnet18 stage 2 entry (stride 2), batch 32', dims: [32, 56, 56, 64, 3, 128, 2] },
  { kernel: 'Conv2DBackpropFilter', where: 'iresnet18 stage 2 entry (stride 2), batch 32', dims: [32, 56, 56, 64, 3, 128, 2] },
  { kernel: 'Conv2D', where: 'convnet stage 1 conv, batch 128', dims: [128, 32, 32, 32, 3, 32, 1] },
  { kernel: 'Conv2DBackpropInput', where: 'convnet stage 1 conv, batch 128', dims: [128, 32, 32, 32, 3, 32, 1] },
  { kernel: 'Conv2DBackpropFilter', where: 'convnet stage 1 conv, batch 128', dims: [128, 32, 32, 32, 3, 32, 1] },
];

export function flopsOf(c: KernelCase): number {
  if (c.kernel === 'MatMul') {
    const [m, k, n] = c.dims as [number, number, number];
    return 2 * m * k * n;
  }
  const [n, h, w, cin, k, cout, stride] = c.dims as [number, number, number, number, number, number, number];
  return 2 * n * Math.ceil(h / stride) * Math.ceil(w / stride) * cout * cin * k * k;
}

/** A closure running the kernel once on fixed random operands (created on the active backend). */
function kernelRunner(c: KernelCase): { run: () => void; dispose: () => void } {
  if (c.kernel === 'MatMul') {
    const [m, k, n] = c.dims as [number, number, number];
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    return { run: () => tf.tidy(() => void tf.matMul(a, b).dataSync()), dispose: () => tf.dispose([a, b]) };
  }
  const [n, h, w, cin, k, cout, stride] = c.dims as [number, number, number, number, number, number, number];
  const x = tf.randomNormal([n, h, w, cin]) as tf.Tensor4D;
  const filter = tf.randomNormal([k, k, cin, cout]) as tf.Tensor4D;
  const dy = tf.randomNormal([n, Math.ceil(h / stride), Math.ceil(w / stride), cout]) as tf.Tensor4D;
  const ops = {
    Conv2D: () => tf.conv2d(x, filter, stride, 'same'),
    Conv2DBackpropInput: () => tf.conv2dTranspose(dy, filter, [n, h, w, cin], stride, 'same'),
    Conv2DBackpropFilter: () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, cin, cout] }) as tf.Tensor,
  } as const;
  const op = ops[c.kernel];
  return { run: () => tf.tidy(() => void op().dataSync()), dispose: () => tf.dispose([x, filter, dy]) };
}

/** The reference backend needs minutes for the full shapes; it runs them at batch 1 (GFLOP/s barely depends on it). */
export function referenceCase(c: KernelCase): KernelCase {
  if (c.kernel === 'MatMul') return { ...c, dims: [Math.min(c.dims[0]!, 128), Math.min(c.dims[1]!, 512), Math.min(c.dims[2]!, 128)] };
  return { ...c, dims: [1, ...c.dims.slice(1)] };
}

/** Times one case on `backend` (which becomes the active backend); one JSON-ready record. */
export async function measureKernel(c: KernelCase, backend: string): Promise<Record<string, unknown>> {
  await tf.setBackend(backend);
  const runner = kernelRunner(c);
  const runsBefore = ortRunCount();
  const ms = medianMs(runner.run, { warmup: 1, minReps: backend === 'cpu' ? 1 : 3, minMs: backend === 'cpu' ? 0 : 1500 });
  const onOrt = ortRunCount() > runsBefore;
  runner.dispose();
  return {
    kernel: c.kernel,
    where: c.where,
    dims: c.dims,
    backend,
    ranOnOrt: onOrt,
    ms: Number(ms.toFixed(2)),
    gflops: Number((flopsOf(c) / ms / 1e6).toFixed(2)),
  };
}

