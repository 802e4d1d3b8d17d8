import { UserError } from '../harness/core/errors.js';
import { sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { GalleryPass } from '../harness/scoring/gallery-scan.js';

/** One distractor list (megaface_features_list.json_{size}_1), resolved to feature rows. */
export interface DistractorList {
  size: number;
  rows: Int32Array;
  /** File name, for error messages. */
  name: string;
}

/** Per distractor row, 1 where the noise list names it (shared with the workers, which lower its scores). */
export function noiseDistractorMask(rows: number, noiseRows: ReadonlySet<number>): Uint8Array {
  const mask = new Uint8Array(new SharedArrayBuffer(rows));
  for (const row of noiseRows) mask[row] = 1;
  return mask;
}

/**
 * How to score the gallery sizes: if each list contains the next smaller one (the devkit's lists are
 * nested), one pass over the largest, ordered so that every size is a prefix; otherwise one pass per size.
 * The impostor tail comes from the largest size only.
 */
export function planGalleryPasses(lists: readonly DistractorList[]): GalleryPass[] {
  const sorted = [...lists].sort((a, b) => a.rows.length - b.rows.length || a.size - b.size);
  for (const list of sorted) {
    const seen = new Set<number>();
    for (const row of list.rows) {
      if (seen.has(row)) throw new UserError(`${list.name}: distractor row ${row} is listed twice`);
      seen.add(row);
    }
  }
  const nested = sorted.every((list, k) => {
    if (k === 0) return true;
    const larger = new Set(list.rows);
    return sorted[k - 1].rows.every((row) => larger.has(row));
  });
  const largest = sorted[sorted.length - 1];
  if (!nested) {
    return sorted.map((list) => ({
      columns: copyShared(list.rows),
      checkpoints: [{ size: list.size, end: list.rows.length }],
      tail: list === largest,
    }));
  }
  const columns = sharedInt32(largest.rows.length);
  const placed = new Set<number>();
  let end = 0;
  const checkpoints: GalleryPass['checkpoints'] = [];
  for (const list of sorted) {
    for (const row of list.rows) {
      if (placed.has(row)) continue;
      placed.add(row);
      columns[end++] = row;
    }
    checkpoints.push({ size: list.size, end });
  }
  return [{ columns, checkpoints, tail: true }];
}

function copyShared(rows: Int32Array): Int32Array {
  const out = sharedInt32(rows.length);
  out.set(rows);
  return out;
}
