import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import sharp from 'sharp';
import { startProgress, type ProgressMode } from '../../core/progress.js';

/**
 * Finding every bad image of a dataset at once, instead of one per training attempt. Two depths:
 * - quick (before training): each file's first and last bytes must be those of a complete image of its kind (a JPEG
 *   ends with its EOI marker, a PNG with IEND, …). Only a file failing that is decoded, to be sure; so a zero-byte
 *   or cut-short file is found in a few small reads per image, and a valid file with trailing bytes is not flagged.
 * - deep (`flb datasets check --deep`): every image is decoded.
 */
export interface ImageItem {
  /** How the image is named to the user: its key (Identity/file.jpg) or "train.rec record 17". */
  key: string;
  /** A file path, or the encoded bytes (a record of a container). */
  source: string | (() => Uint8Array);
}

export interface BadImage {
  key: string;
  problem: string;
}

export interface ScanOptions {
  deep: boolean;
  progress: ProgressMode;
  /** The progress bar's label. */
  label: string;
}

const HEAD = 16;
const TAIL = 32;

/** Reads the first HEAD and last TAIL bytes of a file (fewer for a small one) and its size. */
function headAndTail(path: string): { head: Uint8Array; tail: Uint8Array; size: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(HEAD, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = new Uint8Array(Math.min(TAIL, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return { head, tail, size };
  } finally {
    closeSync(fd);
  }
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);
const u32le = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function endsWithMarker(tail: Uint8Array, marker: readonly number[]): boolean {
  // A few bytes of padding after the end marker are common (and harmless) in real files.
  for (let end = tail.length; end >= Math.max(marker.length, tail.length - 8); end--) {
    if (marker.every((b, i) => tail[end - marker.length + i] === b)) return true;
  }
  return false;
}

/** True when the bytes look like a whole image of a kind we know; false means "decode it to be sure". */
export function looksComplete(head: Uint8Array, tail: Uint8Array, size: number): boolean {
  if (size === 0) return false;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return endsWithMarker(tail, [0xff, 0xd9]);
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return endsWithMarker(tail, [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return endsWithMarker(tail, [0x3b]);
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && head.length >= 12) return u32le(head, 4) + 8 <= size;
  if (startsWith(head, [0x42, 0x4d]) && head.length >= 6) return u32le(head, 2) <= size;
  return false;
}

async function decodeProblem(source: string | Uint8Array): Promise<string | null> {
  try {
    // failOn 'error' as the readers decode: what fails here fails in training too.
    await sharp(source, { failOn: 'error' }).raw().toBuffer();
    return null;
  } catch (e) {
    return `cannot decode (${(e as Error).message.trim().split('\n')[0]})`;
  }
}

async function problemOf(item: ImageItem, deep: boolean): Promise<string | null> {
  let bytes: Uint8Array | undefined;
  let head: Uint8Array;
  let tail: Uint8Array;
  let size: number;
  try {
    if (typeof item.source === 'string') ({ head, tail, size } = headAndTail(item.source));
    else {
      bytes = item.source();
      size = bytes.length;
      head = bytes.subarray(0, HEAD);
      tail = bytes.subarray(Math.max(0, size - TAIL));
    }
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (size === 0) return 'empty file (0 bytes)';
  if (!deep && looksComplete(head, tail, size)) return null;
  return decodeProblem(bytes ?? (item.source as string));
}

/** Images checked at once: sharp decodes on libuv's thread pool, which this keeps busy without flooding it. */
const IN_FLIGHT = 8;

/** Every bad image among `items`, in their order. */
export async function scanImages(items: readonly ImageItem[], opts: ScanOptions): Promise<BadImage[]> {
  const problems: (string | null)[] = new Array(items.length).fill(null);
  const bar = startProgress(opts.label, items.length, opts.progress);
  let next = 0;
  let done = 0;
  let badCount = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      problems[i] = await problemOf(items[i]!, opts.deep);
      if (problems[i] !== null) badCount++;
      bar.update(++done, badCount ? `${badCount} bad` : '');
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
  } finally {
    bar.stop();
  }
  return items.flatMap((item, i) => (problems[i] === null ? [] : [{ key: item.key, problem: problems[i]! }]));
}

/** "N of M images …" and one line per bad image, for messages. */
export function describeBadImages(bad: readonly BadImage[], total: number, where: string): string {
  return `${bad.length} of ${total} images under ${where} cannot be used:\n${bad.map((b) => `  ${b.key}: ${b.problem}`).join('\n')}`;
}
