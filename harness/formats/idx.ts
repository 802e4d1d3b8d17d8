import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';

/**
 * IDX files (MNIST, Fashion-MNIST), plain or gzipped: two zero bytes, a type code, the number of dimensions,
 * then each dimension as a big-endian uint32, then the values, big-endian, row-major.
 * http://yann.lecun.com/exdb/mnist/
 */

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};
const CODES = Object.fromEntries(Object.entries(TYPES).map(([code, t]) => [t.dtype, Number(code)])) as Record<IdxDtype, number>;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function parseIdx(raw: Uint8Array, label: string): IdxArray {
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new UserError(`${label}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new UserError(`${label}: not an IDX file (expected two zero bytes, a type code and a dimension count)`);
  const type = TYPES[bytes[2]];
  if (!type) throw new UserError(`${label}: unknown IDX type code 0x${bytes[2].toString(16)}; expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`);
  const ndims = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart = 4 + 4 * ndims;
  if (bytes.length < dataStart) throw new UserError(`${label}: truncated IDX file (ends inside the ${ndims} dimension sizes)`);
  const shape = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const needed = count * type.bytes;
  if (bytes.length - dataStart < needed) {
    throw new UserError(`${label}: truncated IDX file: shape [${shape.join(', ')}] ${type.dtype} needs ${needed} bytes of data, ${bytes.length - dataStart} present`);
  }
  const data = readValues(view, dataStart, count, type.dtype);
  return { dtype: type.dtype, shape, data };
}

function readValues(view: DataView, start: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + start, view.byteOffset + start + count));
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(start + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(start + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(start + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(start + 8 * i, false));
  }
}

export function readIdx(path: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`IDX file not found: ${path}`);
    throw e;
  }
  return parseIdx(raw, path);
}

export function encodeIdx(array: IdxArray): Uint8Array {
  const code = CODES[array.dtype];
  const itemBytes = TYPES[code].bytes;
  const dataStart = 4 + 4 * array.shape.length;
  const out = new Uint8Array(dataStart + array.data.length * itemBytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const set: Record<IdxDtype, (offset: number, v: number) => void> = {
    uint8: (o, v) => view.setUint8(o, v),
    int8: (o, v) => view.setInt8(o, v),
    int16: (o, v) => view.setInt16(o, v, false),
    int32: (o, v) => view.setInt32(o, v, false),
    float32: (o, v) => view.setFloat32(o, v, false),
    float64: (o, v) => view.setFloat64(o, v, false),
  };
  array.data.forEach((v, i) => set[array.dtype](dataStart + i * itemBytes, v));
  return out;
}

/** Writes an IDX file, gzipped when the name ends in .gz (as MNIST is distributed). */
export function writeIdx(path: string, array: IdxArray): void {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) throw new Error(`writeIdx ${path}: shape [${array.shape.join(', ')}] holds ${count} values, data has ${array.data.length}`);
  const bytes = encodeIdx(array);
  writeFileAtomic(path, path.endsWith('.gz') ? gzipSync(bytes) : bytes);
}
