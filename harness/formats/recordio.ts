import { closeSync, fstatSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { openForReading, readFully, writeAll, writeStreamedAtomic } from '../core/file-io.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readTextFile } from '../core/read-file.js';

/**
 * MXNet / dmlc-core RecordIO framing, as insightface's train.rec uses it, with the train.idx index
 * ("key<TAB>byte offset" per line) that MXIndexedRecordIO reads.
 *
 * A record on disk: uint32 magic 0xced7230a, uint32 lrec (upper 3 bits: continuation flag, lower 29: length),
 * the bytes, zero padding to a multiple of 4. dmlc-core never lets the magic appear 4-byte aligned inside a
 * record: the writer cuts the payload at each such occurrence (flag 1 = first part, 2 = middle, 3 = last) and
 * drops the magic; the reader puts it back between parts.
 */

export const RECORDIO_MAGIC = 0xced7230a;
const MAX_LENGTH = (1 << 29) - 1;
/** The magic as it sits in the file (little-endian), re-inserted between the parts of a split record. */
const magicBytes = new Uint8Array(new Uint32Array([RECORDIO_MAGIC]).buffer);

const enum Part {
  Whole = 0,
  First = 1,
  Middle = 2,
  Last = 3,
}

function frame(flag: Part, bytes: Uint8Array): Uint8Array {
  const padded = (bytes.length + 3) & ~3;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, RECORDIO_MAGIC, true);
  view.setUint32(4, ((flag << 29) | bytes.length) >>> 0, true);
  out.set(bytes, 8);
  return out;
}

/** The bytes of one logical record as dmlc-core's RecordIOWriter writes them. */
export function encodeRecord(payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_LENGTH) throw new Error(`RecordIO record of ${payload.length} bytes exceeds the 2^29 - 1 limit`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i + 4 <= payload.length; i += 4) {
    if (view.getUint32(i, true) === RECORDIO_MAGIC) {
      parts.push(frame(start === 0 ? Part.First : Part.Middle, payload.subarray(start, i)));
      start = i + 4;
    }
  }
  parts.push(frame(start === 0 ? Part.Whole : Part.Last, payload.subarray(start)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** An open .rec file: reads one logical record at a byte offset (from the .idx or a sequential scan). */
export class RecordFile {
  readonly path: string;
  readonly byteLength: number;
  private readonly fd: number;

  constructor(path: string) {
    this.path = path;
    this.fd = openForReading(path, 'RecordIO file');
    this.byteLength = fstatSync(this.fd).size;
  }

  /** The record starting at `offset`, and where the next one starts. `what` names it in errors. */
  readAt(offset: number, what = `record at byte ${offset}`): { payload: Uint8Array; next: number } {
    const parts: Uint8Array[] = [];
    const head = new Uint8Array(8);
    const view = new DataView(head.buffer);
    let position = offset;
    for (;;) {
      if (readFully(this.fd, head, position) < 8) {
        throw new UserError(`${this.path}: truncated RecordIO file: ${what} has no complete header at byte ${position} (file is ${this.byteLength} bytes)`);
      }
      const magic = view.getUint32(0, true);
      if (magic !== RECORDIO_MAGIC) {
        throw new UserError(`${this.path}: ${what}: bad RecordIO magic 0x${magic.toString(16)} at byte ${position}; expected 0xced7230a (wrong offset in the .idx, or not a .rec file)`);
      }
      const lrec = view.getUint32(4, true);
      const flag = lrec >>> 29;
      const length = lrec & MAX_LENGTH;
      const body = new Uint8Array(length);
      if (readFully(this.fd, body, position + 8) < length) {
        throw new UserError(`${this.path}: truncated RecordIO file: ${what} needs ${length} bytes at byte ${position + 8} but the file ends at ${this.byteLength}`);
      }
      parts.push(body);
      position += 8 + ((length + 3) & ~3);
      if (flag === Part.Whole || flag === Part.Last) break;
      if (parts.length === 1 && flag !== Part.First) {
        throw new UserError(`${this.path}: ${what}: RecordIO continuation flag ${flag} at the start of a record`);
      }
      parts.push(magicBytes);
    }
    if (parts.length === 1) return { payload: parts[0], next: position };
    const payload = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      payload.set(p, o);
      o += p.length;
    }
    return { payload, next: position };
  }

  /** Byte offsets of every record, by walking the file from the start (for a .rec without its .idx). */
  scanOffsets(): number[] {
    const offsets: number[] = [];
    for (let offset = 0; offset < this.byteLength; ) {
      offsets.push(offset);
      offset = this.readAt(offset, `record ${offsets.length - 1}`).next;
    }
    return offsets;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Parses train.idx: "key<TAB>offset" per line, as MXIndexedRecordIO writes it. */
export function readRecordIndex(idxPath: string): Map<number, number> {
  const text = readTextFile(idxPath, 'RecordIO index');
  const index = new Map<number, number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fields = line.split(/\s+/);
    if (fields.length !== 2 || !/^\d+$/.test(fields[0]) || !/^\d+$/.test(fields[1])) {
      throw new UserError(`${idxPath}:${i + 1}: expected "key<TAB>offset" (two non-negative integers), got "${line}"`);
    }
    const key = Number(fields[0]);
    if (index.has(key)) throw new UserError(`${idxPath}:${i + 1}: duplicate record key ${key}`);
    index.set(key, Number(fields[1]));
  });
  return index;
}

/** An indexed .rec/.idx pair: random access by record key. */
export class IndexedRecordFile {
  readonly keys: number[];
  private readonly file: RecordFile;
  private readonly offsets: Map<number, number>;

  constructor(recPath: string, idxPath: string) {
    this.offsets = readRecordIndex(idxPath);
    this.file = new RecordFile(recPath);
    this.keys = [...this.offsets.keys()];
    for (const [key, offset] of this.offsets) {
      if (offset >= this.file.byteLength) {
        throw new UserError(`${idxPath}: record ${key} at byte ${offset} lies beyond the end of ${recPath} (${this.file.byteLength} bytes): truncated .rec or wrong .idx`);
      }
    }
  }

  get path(): string {
    return this.file.path;
  }

  has(key: number): boolean {
    return this.offsets.has(key);
  }

  read(key: number): Uint8Array {
    const offset = this.offsets.get(key);
    if (offset === undefined) throw new UserError(`${this.file.path}: no record with key ${key} in its index`);
    return this.file.readAt(offset, `record ${key}`).payload;
  }

  close(): void {
    this.file.close();
  }
}

/** Writes a .rec and its .idx (keys in the given order), each atomically. */
export function writeIndexedRecordFile(recPath: string, idxPath: string, records: Iterable<{ key: number; payload: Uint8Array }>): void {
  const lines: string[] = [];
  let offset = 0;
  writeStreamedAtomic(recPath, (fd) => {
    for (const { key, payload } of records) {
      const bytes = encodeRecord(payload);
      writeAll(fd, bytes);
      lines.push(`${key}\t${offset}\n`);
      offset += bytes.length;
    }
  });
  writeFileAtomic(idxPath, lines.join(''));
}
