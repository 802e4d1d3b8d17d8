/** Typed arrays over SharedArrayBuffers: what scoring workers read and write without copies. */

export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/** `values` itself when already shared, else a shared copy. */
export function asSharedFloat32(values: Float32Array): Float32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const out = sharedFloat32(values.length);
  out.set(values);
  return out;
}

export function asSharedInt32(values: ArrayLike<number>): Int32Array {
  const out = sharedInt32(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}
