import type { TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * The ort-cpu backend keeps tensors exactly as tfjs-backend-cpu does (typed arrays in its data store), so
 * every cpu kernel works unchanged on it and the ORT kernels only read and write those arrays.
 */

export function float32Data(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (!(values instanceof Float32Array)) {
    throw new Error(`ort-cpu: expected float32 data for a tensor of shape [${t.shape}], got ${t.dtype}`);
  }
  return values;
}

/**
 * Only non-empty float32 tensors go to ORT; int32/bool/complex and empty inputs stay on the reference kernels
 * (ORT rejects zero-sized dimensions in some operators).
 */
export function ortEligible(backend: MathBackendCPU, tensors: readonly (TensorInfo | undefined)[]): boolean {
  return tensors.every(
    (t) =>
      t === undefined ||
      (t.dtype === 'float32' &&
        t.shape.every((d) => d > 0) &&
        backend.data.get(t.dataId).values instanceof Float32Array),
  );
}

export function float32Output(backend: MathBackendCPU, shape: readonly number[], data: Float32Array): TensorInfo {
  return backend.makeTensorInfo([...shape], 'float32', data);
}
