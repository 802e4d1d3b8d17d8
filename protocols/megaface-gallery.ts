import { UserError } from '../harness/errors.js';
import { sharedFloat32, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { GalleryPass } from '../harness/scoring/gallery-scan.js';
import { rowNorm, type FeatureMatrix } from './feature-matrix.js';

/** One distractor list (megaface_features_list.json_{size}_1), resolved to feature rows. */
export interface DistractorList {
  size: number;
  rows: Int32Array;
  /** File name, for error messages. */
  name: string;
}

/**
 * Per distractor row the factor that L2-normalises it; rows in the noise set get 0, i.e. their feature is
 * replaced by zeros. Only rows some list uses are checked.
 */
export function distractorScales(features: FeatureMatrix, lists: readonly DistractorList[], noiseRows: ReadonlySet<number>): Float32Array {
  const scale = sharedFloat32(features.rows);
  const seen = new Uint8Array(features.rows);
  for (const list of lists) {
    for (const row of list.rows) {
      if (seen[row]) continue;
      seen[row] = 1;
      scale[row] = noiseRows.has(row) ? 0 : 1 / rowNorm(features, row);
    }
  }
  return scale;
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
