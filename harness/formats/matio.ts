import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';

/**
 * The MegaFace devkit's per-image feature file (its matio.py / matio.h): a 16-byte header of four little-endian
 * int32 — rows, cols, stride (bytes per row) and the OpenCV type code (5 = CV_32F, 6 = CV_64F) — then
 * rows × stride bytes of row-major data. insightface's gen_megaface.py writes a D-dim feature as a column
 * (rows = D, cols = 1, stride = 4, type = 5); the devkit reads `rows * stride` bytes and reshapes.
 */

export interface MatioMatrix {
  rows: number;
  cols: number;
  /** Row-major values, converted to float32 if the file holds float64. */
  data: Float32Array;
}

const HEADER_BYTES = 16;
const CV_32F = 5;
const CV_64F = 6;
const ELEMENT_BYTES: Record<number, number> = { [CV_32F]: 4, [CV_64F]: 8 };

export function parseMatio(bytes: Uint8Array, label: string): MatioMatrix {
  if (bytes.length < HEADER_BYTES) {
    throw new UserError(`${label}: truncated matio feature file: ${bytes.length} bytes, shorter than the 16-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = view.getInt32(0, true);
  const cols = view.getInt32(4, true);
  const stride = view.getInt32(8, true);
  const type = view.getInt32(12, true);
  const elementBytes = ELEMENT_BYTES[type];
  if (!elementBytes) throw new UserError(`${label}: matio type code ${type} is not supported; expected 5 (float32) or 6 (float64)`);
  if (rows < 0 || cols < 0) throw new UserError(`${label}: matio header has negative size ${rows}×${cols}`);
  if (stride !== cols * elementBytes) {
    throw new UserError(`${label}: matio stride ${stride} does not match ${cols} columns of ${elementBytes} bytes; expected ${cols * elementBytes}`);
  }
  const dataBytes = rows * stride;
  const available = bytes.length - HEADER_BYTES;
  if (available < dataBytes) {
    throw new UserError(`${label}: truncated matio feature file: header says ${rows}×${cols} (${dataBytes} bytes of data) but only ${available} follow`);
  }
  if (available > dataBytes) {
    throw new UserError(`${label}: matio feature file has ${available - dataBytes} unexpected bytes after the ${rows}×${cols} data`);
  }
  // Copy out of the file buffer: it may not be aligned for a typed-array view (and Buffer#slice would not copy).
  const payload = new Uint8Array(dataBytes);
  payload.set(bytes.subarray(HEADER_BYTES, HEADER_BYTES + dataBytes));
  const data = type === CV_32F ? new Float32Array(payload.buffer) : Float32Array.from(new Float64Array(payload.buffer));
  return { rows, cols, data };
}

export function readMatio(path: string): MatioMatrix {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`matio feature file not found: ${path}`);
    throw e;
  }
  return parseMatio(bytes, path);
}

/** float32 matio bytes; a vector is written as insightface does, a D×1 column. */
export function encodeMatio(data: Float32Array, rows = data.length, cols = 1): Uint8Array {
  if (rows * cols !== data.length) throw new Error(`encodeMatio: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  const out = new Uint8Array(HEADER_BYTES + data.byteLength);
  const view = new DataView(out.buffer);
  view.setInt32(0, rows, true);
  view.setInt32(4, cols, true);
  view.setInt32(8, cols * 4, true);
  view.setInt32(12, CV_32F, true);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), HEADER_BYTES);
  return out;
}

export function writeMatio(path: string, data: Float32Array, rows = data.length, cols = 1): void {
  writeFileAtomic(path, encodeMatio(data, rows, cols));
}
