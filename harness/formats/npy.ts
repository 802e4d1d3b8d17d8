import { closeSync, fstatSync } from 'node:fs';
import { endianness } from 'node:os';
import { UserError } from '../core/errors.js';
import { decodeFloat16Into, encodeFloat16 } from './float16.js';
import { IO_CHUNK_BYTES, openForReading, readFully, writeAll, writeStreamedAtomic } from '../core/file-io.js';

/**
 * numpy's .npy format (versions 1.0, 2.0, 3.0), restricted to what feature sets use: little-endian float32
 * or float16 in C order. https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

export type NpyDtype = 'float32' | 'float16';

export interface NpyHeader {
  version: [number, number];
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the first array element. */
  dataOffset: number;
}

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64; // numpy pads the header so the data starts on a 64-byte boundary
const DTYPES: Record<string, NpyDtype> = { '<f4': 'float32', '<f2': 'float16' };
const DESCR: Record<NpyDtype, string> = { float32: '<f4', float16: '<f2' };
const ITEM_BYTES: Record<NpyDtype, number> = { float32: 4, float16: 2 };

if (endianness() !== 'LE') {
  // Typed arrays use the host byte order; every platform Node ships on today is little-endian.
  throw new Error('npy: a little-endian host is required');
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Pulls the three keys out of the header's Python dict literal; numpy writes nothing else there. */
function parseHeaderDict(path: string, text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (!descr) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new UserError(`${path}: structured dtype in the .npy header; expected a plain float32 or float16 array`);
    }
    throw new UserError(`${path}: .npy header has no 'descr' entry: ${text.trim()}`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw new UserError(`${path}: .npy header has no 'fortran_order' entry: ${text.trim()}`);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shape) throw new UserError(`${path}: .npy header has no 'shape' entry: ${text.trim()}`);
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim().replace(/L$/, '')) // Python 2 numpy wrote long ints as 3L
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new UserError(`${path}: .npy shape (${shape[1]}) is not a tuple of non-negative integers`);
      return Number(s);
    });
  return { descr: descr[2], fortranOrder: fortran[1] === 'True', shape: dims };
}

function readHeaderAt(path: string, fd: number): NpyHeader {
  const prefix = new Uint8Array(12);
  const got = readFully(fd, prefix, 0);
  if (got < 10 || MAGIC.some((b, i) => prefix[i] !== b)) {
    throw new UserError(`${path}: not a .npy file (it does not start with the \\x93NUMPY magic)`);
  }
  const major = prefix[6];
  const minor = prefix[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new UserError(`${path}: .npy format version ${major}.${minor} is not supported; expected 1.0, 2.0 or 3.0`);
  }
  const view = new DataView(prefix.buffer);
  const lengthBytes = major === 1 ? 2 : 4;
  if (got < 8 + lengthBytes) throw new UserError(`${path}: truncated .npy file (ends inside the header)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const headerBytes = new Uint8Array(headerLength);
  if (readFully(fd, headerBytes, headerStart) < headerLength) {
    throw new UserError(`${path}: truncated .npy file (ends inside the ${headerLength}-byte header)`);
  }
  // Versions 1 and 2 store the header as latin1; version 3 exists only to allow utf8.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { descr, fortranOrder, shape } = parseHeaderDict(path, text);
  const dtype = DTYPES[descr];
  if (!dtype) {
    const hint = descr.startsWith('>')
      ? ' (big-endian; convert with arr.astype("<f4"))'
      : ' (convert with arr.astype(np.float32))';
    throw new UserError(`${path}: dtype '${descr}' is not supported${hint}; expected little-endian float32 '<f4' or float16 '<f2'`);
  }
  if (fortranOrder) {
    throw new UserError(`${path}: array is in Fortran order; expected C order (save np.ascontiguousarray(arr) instead)`);
  }
  return { version: [major, minor], dtype, shape, dataOffset: headerStart + headerLength };
}

/** Reads only the header: dtype, shape and where the data starts, without touching the data. */
export function readNpyHeader(path: string): NpyHeader {
  const fd = openForReading(path, '.npy file');
  try {
    return readHeaderAt(path, fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a float32 or float16 .npy array into a Float32Array. float32 data goes from the file straight into
 * the destination buffer, chunk by chunk, so a 2 GB feature matrix costs 2 GB and one pass. With
 * `shared: true` the buffer is a SharedArrayBuffer that worker threads can read without a copy.
 */
export function readNpy(path: string, opts: { shared?: boolean } = {}): NpyArray {
  const fd = openForReading(path, '.npy file');
  try {
    const header = readHeaderAt(path, fd);
    const count = elementCount(header.shape);
    const dataBytes = count * ITEM_BYTES[header.dtype];
    const fileBytes = fstatSync(fd).size;
    if (fileBytes < header.dataOffset + dataBytes) {
      throw new UserError(
        `${path}: truncated .npy file: shape ${shapeText(header.shape)} ${header.dtype} needs ${dataBytes} bytes of data ` +
          `after the ${header.dataOffset}-byte header, but the file has ${Math.max(0, fileBytes - header.dataOffset)}`,
      );
    }
    const buffer = opts.shared ? new SharedArrayBuffer(count * 4) : new ArrayBuffer(count * 4);
    const data = new Float32Array(buffer);
    if (header.dtype === 'float32') {
      readFully(fd, new Uint8Array(buffer), header.dataOffset);
    } else {
      const chunk = new Uint8Array(Math.min(IO_CHUNK_BYTES, dataBytes));
      for (let done = 0; done < dataBytes; ) {
        const n = readFully(fd, chunk.subarray(0, Math.min(chunk.length, dataBytes - done)), header.dataOffset + done);
        decodeFloat16Into(new Uint16Array(chunk.buffer, 0, n / 2), data, done / 2);
        done += n;
      }
    }
    return { shape: header.shape, data };
  } finally {
    closeSync(fd);
  }
}

/** The header numpy itself writes: version 1.0 (2.0 only if it would not fit), padded to 64 bytes with '\n' last. */
export function npyHeaderBytes(shape: readonly number[], dtype: NpyDtype): Uint8Array {
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  for (const [major, lengthBytes] of [[1, 2], [2, 4]] as const) {
    const prefixLength = 8 + lengthBytes;
    const total = Math.ceil((prefixLength + dict.length + 1) / ALIGN) * ALIGN;
    const headerLength = total - prefixLength;
    if (major === 1 && headerLength > 0xffff) continue;
    const out = new Uint8Array(total);
    out.set(MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, headerLength, true);
    else view.setUint32(8, headerLength, true);
    const text = dict.padEnd(headerLength - 1, ' ') + '\n';
    out.set(new TextEncoder().encode(text), prefixLength);
    return out;
  }
  throw new Error('unreachable: a version 2.0 header always fits');
}

/** Writes `data` with `shape` as a C-order .npy file, atomically; float16 halves the size (rounded to nearest). */
export function writeNpy(path: string, data: Float32Array, shape: readonly number[], opts: { dtype?: NpyDtype } = {}): void {
  const dtype = opts.dtype ?? 'float32';
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`writeNpy ${path}: invalid shape [${shape.join(', ')}]`);
  if (elementCount(shape) !== data.length) {
    throw new Error(`writeNpy ${path}: shape [${shape.join(', ')}] holds ${elementCount(shape)} values, data has ${data.length}`);
  }
  writeStreamedAtomic(path, (fd) => {
    writeAll(fd, npyHeaderBytes(shape, dtype));
    if (dtype === 'float32') {
      writeAll(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return;
    }
    const valuesPerChunk = IO_CHUNK_BYTES / 2;
    for (let i = 0; i < data.length; i += valuesPerChunk) {
      const half = encodeFloat16(data.subarray(i, i + valuesPerChunk));
      writeAll(fd, new Uint8Array(half.buffer));
    }
  });
}
