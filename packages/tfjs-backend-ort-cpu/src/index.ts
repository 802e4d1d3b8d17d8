import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { ortRuntimeAvailable, ortRuntimeLoadError } from './onnx/ort-runtime.js';

export { ortIntraOpThreads } from './onnx/ort-runtime.js';
import { makeBatchMatMulKernel, makeFusedMatMulKernel } from './kernels/BatchMatMul.js';
import { makeConv2dKernel, makeFusedConv2dKernel } from './kernels/Conv2D.js';
import { makeConv2dBackpropInputKernel } from './kernels/Conv2DBackpropInput.js';
import { makeConv2dBackpropFilterKernel } from './kernels/Conv2DBackpropFilter.js';
import { BINARY_OPS, UNARY_OPS, makeBinaryKernel, makePreluKernel, makeUnaryKernel } from './kernels/elementwise.js';
import { REDUCTION_KERNELS, makeReductionKernel } from './kernels/reductions.js';
import { makeTileKernel } from './kernels/Tile.js';
import { makeBatchNormKernel } from './kernels/FusedBatchNorm.js';
import { makeMaxPoolGradKernel } from './kernels/MaxPoolGrad.js';
import { makeMaxPoolKernel } from './kernels/MaxPool.js';
import { batchNormTrainingGradKernel, batchNormTrainingKernel } from './kernels/FlbBatchNormTraining.js';
import { preluGradKernel } from './kernels/FlbPreluGrad.js';
import { makeReluKernel, reluGradKernel } from './kernels/Relu.js';
import { sgdMomentumStepKernel } from './kernels/FlbSgdMomentumStep.js';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD, PRELU_GRAD, RELU_GRAD, SGD_MOMENTUM_STEP } from './fused-kernels.js';
import type { ReferenceKernel } from './kernel-types.js';
import { loadSimdKernels } from './simd/simd-kernels.js';

/**
 * The 'ort-cpu' tfjs backend: tfjs-backend-cpu's data store and every one of its kernels, with the heavy ones
 * (GEMM and convolutions forward and backward, then the large elementwise, reduction and batch-norm kernels)
 * replaced by onnxruntime-node graphs that run on MLAS with all cores. It installs from npm alone:
 * onnxruntime-node ships its native library inside the package. See README.md here for limits.
 */

export const ORT_CPU_BACKEND = 'ort-cpu';

/** A kernel function typed by its own inputs and attrs; tfjs calls it with untyped maps. */
type KernelFactory = (reference: ReferenceKernel) => (args: never) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Kernels replaced, each built around the cpu kernel it falls back to (non-float32 inputs, small tensors,
 * geometries ONNX cannot express). The GEMM and convolution kernels come first; the memory-bound ones followed
 * from profiling training steps once the convolutions were fast.
 */
const ORT_KERNELS: Record<string, KernelFactory> = {
  BatchMatMul: makeBatchMatMulKernel,
  _FusedMatMul: makeFusedMatMulKernel,
  Conv2D: makeConv2dKernel,
  FusedConv2D: makeFusedConv2dKernel,
  Conv2DBackpropInput: makeConv2dBackpropInputKernel,
  Conv2DBackpropFilter: makeConv2dBackpropFilterKernel,
  FusedBatchNorm: makeBatchNormKernel,
  Tile: makeTileKernel,
  MaxPool: makeMaxPoolKernel,
  MaxPoolGrad: makeMaxPoolGradKernel,
  Prelu: makePreluKernel,
  ...Object.fromEntries(Object.keys(UNARY_OPS).map((k) => [k, (ref: ReferenceKernel) => makeUnaryKernel(k, ref)])),
  Relu: (ref: ReferenceKernel) => makeReluKernel(makeUnaryKernel('Relu', ref), ref),
  ...Object.fromEntries(Object.keys(BINARY_OPS).map((k) => [k, (ref: ReferenceKernel) => makeBinaryKernel(k, ref)])),
  ...Object.fromEntries(REDUCTION_KERNELS.map((k) => [k, (ref: ReferenceKernel) => makeReductionKernel(k, ref)])),
};

export const ORT_KERNEL_NAMES: readonly string[] = Object.keys(ORT_KERNELS);

/**
 * Kernels tfjs does not have: the single-kernel forward and gradients of harness/fused-ops, which the
 * backbones' BatchNorm, PReLU and ReLU layers and the SGD optimizer use where the active backend registers them.
 */
const FUSED_OP_KERNELS: Record<string, tf.KernelFunc> = {
  [BATCH_NORM_TRAINING]: batchNormTrainingKernel as unknown as tf.KernelFunc,
  [BATCH_NORM_TRAINING_GRAD]: batchNormTrainingGradKernel as unknown as tf.KernelFunc,
  [PRELU_GRAD]: preluGradKernel as unknown as tf.KernelFunc,
  [RELU_GRAD]: reluGradKernel as unknown as tf.KernelFunc,
  [SGD_MOMENTUM_STEP]: sgdMomentumStepKernel as unknown as tf.KernelFunc,
};

/** False (never throws) when onnxruntime-node's native library cannot be loaded on this machine. */
export function ortCpuAvailable(): boolean {
  return ortRuntimeAvailable();
}

let registered = false;

/**
 * Registers the 'ort-cpu' backend with tfjs (idempotent). It does not make it the active backend; call
 * tf.setBackend('ort-cpu') for that. Throws when onnxruntime-node cannot load (check ortCpuAvailable first).
 */
export async function registerOrtCpuBackend(): Promise<void> {
  if (registered) return;
  if (!ortRuntimeAvailable()) {
    throw new Error(`The ort-cpu backend needs onnxruntime-node, which could not be loaded: ${ortRuntimeLoadError()}`);
  }
  await loadSimdKernels();
  // Priority 0: tfjs must not switch to this backend on its own; the engine chooses it explicitly.
  tf.registerBackend(ORT_CPU_BACKEND, () => new MathBackendCPU(), 0);
  for (const config of tf.getKernelsForBackend('cpu')) {
    const reference = config.kernelFunc as unknown as ReferenceKernel;
    const replace = ORT_KERNELS[config.kernelName];
    tf.registerKernel({
      ...config,
      backendName: ORT_CPU_BACKEND,
      kernelFunc: (replace ? replace(reference) : reference) as unknown as tf.KernelFunc,
    });
  }
  for (const [kernelName, kernelFunc] of Object.entries(FUSED_OP_KERNELS)) {
    tf.registerKernel({ kernelName, backendName: ORT_CPU_BACKEND, kernelFunc });
  }
  registered = true;
}
