import { util, type TensorInfo } from '@tensorflow/tfjs';

/**
 * Memory-bound kernels (elementwise, reductions, batch norm) go to ORT only from this many output elements on.
 * Below it the ~25 µs of an ORT call (and a compiled session per shape) cost more than the JS loop they replace:
 * a training step runs hundreds of tiny ops on BatchNorm parameters and optimizer slots.
 */
export const ORT_MIN_ELEMENTS = 16384;

export function largeEnoughForOrt(shape: readonly number[]): boolean {
  return util.sizeFromShape([...shape]) >= ORT_MIN_ELEMENTS;
}

export function largestInput(tensors: readonly TensorInfo[]): readonly number[] {
  return tensors.reduce((big, t) => (util.sizeFromShape(t.shape) > util.sizeFromShape([...big]) ? t.shape : big), [] as number[]);
}
