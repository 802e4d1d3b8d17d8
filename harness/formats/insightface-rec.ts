import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { writeIndexedRecordFile, type IndexedRecordFile } from './recordio.js';
import { readTextFile } from '../core/read-file.js';

/**
 * What insightface puts inside RecordIO records (mx.recordio.pack / unpack) and around them:
 * - IRHeader, struct 'IfQQ' (24 bytes): uint32 flag, float32 label, uint64 id, uint64 id2. flag = 0 means the
 *   label is that float; flag = n > 0 means n float32 labels follow the header (and the label field is 0).
 *   The rest of the record is the image (JPEG).
 * - Record 0 (MS1M, Glint360K...): flag 2, labels [imageEnd, identityEnd]; images are records 1..imageEnd-1,
 *   records imageEnd..identityEnd-1 are one per identity with labels [firstImage, endImage).
 * - `property`: "num_classes,height,width".
 */

export interface IRHeader {
  flag: number;
  /** The scalar label (flag 0) or the label vector (flag > 0). */
  label: number | Float32Array;
  id: number;
  id2: number;
}

export interface RecProperty {
  numClasses: number;
  height: number;
  width: number;
}

const HEADER_BYTES = 24;

export function packRecord(header: { label: number | readonly number[]; id?: number; id2?: number }, image: Uint8Array = new Uint8Array(0)): Uint8Array {
  const labels = typeof header.label === 'number' ? null : header.label;
  const extra = labels ? labels.length * 4 : 0;
  const out = new Uint8Array(HEADER_BYTES + extra + image.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, labels ? labels.length : 0, true);
  view.setFloat32(4, labels ? 0 : (header.label as number), true);
  view.setBigUint64(8, BigInt(header.id ?? 0), true);
  view.setBigUint64(16, BigInt(header.id2 ?? 0), true);
  labels?.forEach((v, i) => view.setFloat32(HEADER_BYTES + 4 * i, v, true));
  out.set(image, HEADER_BYTES + extra);
  return out;
}

export function unpackRecord(record: Uint8Array, what: string): { header: IRHeader; image: Uint8Array } {
  if (record.length < HEADER_BYTES) {
    throw new UserError(`${what}: record of ${record.length} bytes is shorter than insightface's 24-byte IRHeader`);
  }
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const flag = view.getUint32(0, true);
  const id = Number(view.getBigUint64(8, true));
  const id2 = Number(view.getBigUint64(16, true));
  if (flag === 0) return { header: { flag, label: view.getFloat32(4, true), id, id2 }, image: record.subarray(HEADER_BYTES) };
  const end = HEADER_BYTES + 4 * flag;
  if (record.length < end) throw new UserError(`${what}: IRHeader announces ${flag} labels but the record has only ${record.length} bytes`);
  const label = new Float32Array(flag);
  for (let i = 0; i < flag; i++) label[i] = view.getFloat32(HEADER_BYTES + 4 * i, true);
  return { header: { flag, label, id, id2 }, image: record.subarray(end) };
}

/** The class label of an image record: the scalar, or the first entry of a label vector (as MXFaceDataset does). */
export function classLabel(header: IRHeader): number {
  return typeof header.label === 'number' ? header.label : header.label[0];
}

export function readProperty(path: string): RecProperty {
  const text = readTextFile(path, 'insightface property file');
  const fields = text.trim().split(',').map((s) => s.trim());
  if (fields.length !== 3 || fields.some((f) => !/^\d+$/.test(f))) {
    throw new UserError(`${path}: expected "num_classes,height,width" (three integers), got "${text.trim()}"`);
  }
  const [numClasses, height, width] = fields.map(Number);
  return { numClasses, height, width };
}

export function writeProperty(path: string, p: RecProperty): void {
  writeFileAtomic(path, `${p.numClasses},${p.height},${p.width}\n`);
}

/** Which records are images, and each identity's image range, from record 0 when it is a header record. */
export interface RecLayout {
  imageKeys: number[];
  /** Per identity (in identity-record order): [first, end) image keys; empty when the file has no header record. */
  identityRanges: Array<[number, number]>;
}

export function readRecLayout(rec: IndexedRecordFile): RecLayout {
  if (rec.has(0)) {
    const { header } = unpackRecord(rec.read(0), `${rec.path} record 0`);
    if (header.flag > 0 && typeof header.label !== 'number') {
      const imageEnd = header.label[0];
      const identityEnd = header.flag > 1 ? header.label[1] : imageEnd;
      const imageKeys = Array.from({ length: Math.max(0, imageEnd - 1) }, (_, i) => i + 1);
      const identityRanges: Array<[number, number]> = [];
      for (let key = imageEnd; key < identityEnd; key++) {
        const { header: h } = unpackRecord(rec.read(key), `${rec.path} record ${key}`);
        if (typeof h.label === 'number' || h.label.length < 2) {
          throw new UserError(`${rec.path}: identity record ${key} has no [first, end) image range in its label`);
        }
        identityRanges.push([h.label[0], h.label[1]]);
      }
      return { imageKeys, identityRanges };
    }
  }
  return { imageKeys: [...rec.keys].sort((a, b) => a - b), identityRanges: [] };
}

export interface RecImage {
  label: number;
  /** Encoded image bytes (JPEG, as insightface ships). */
  image: Uint8Array;
}

/**
 * Writes train.rec, train.idx and property in insightface's layout (header record 0, images grouped by
 * label, one range record per identity), as face2rec does; for fixtures and the synthetic-set writer.
 */
export function writeInsightfaceRec(dir: string, images: readonly RecImage[], property: RecProperty): void {
  const sorted = images.map((img, i) => ({ ...img, i })).sort((a, b) => a.label - b.label || a.i - b.i);
  const imageEnd = sorted.length + 1;
  const ranges: Array<[number, number]> = [];
  sorted.forEach((img, i) => {
    if (img.label < 0 || img.label >= property.numClasses || !Number.isInteger(img.label)) {
      throw new Error(`writeInsightfaceRec: label ${img.label} outside 0..${property.numClasses - 1}`);
    }
    const last = ranges[ranges.length - 1];
    if (i > 0 && sorted[i - 1].label === img.label) last[1] = i + 2;
    else ranges.push([i + 1, i + 2]);
  });
  function* records() {
    yield { key: 0, payload: packRecord({ label: [imageEnd, imageEnd + ranges.length] }) };
    for (let i = 0; i < sorted.length; i++) yield { key: i + 1, payload: packRecord({ label: sorted[i].label, id: i + 1 }, sorted[i].image) };
    for (let k = 0; k < ranges.length; k++) yield { key: imageEnd + k, payload: packRecord({ label: ranges[k], id: imageEnd + k }) };
  }
  writeIndexedRecordFile(join(dir, 'train.rec'), join(dir, 'train.idx'), records());
  writeProperty(join(dir, 'property'), property);
}
