import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import type { FeatureSet } from './feature-set.js';
import { readMatio, writeMatio } from './matio.js';
import { makeDir } from '../core/output-path.js';

/**
 * Bridges feature sets and the MegaFace devkit's one-file-per-image layout: the devkit (and insightface's
 * gen_megaface.py) keeps the feature of image KEY at ROOT/KEY + SUFFIX, e.g.
 * facescrub/Adam_Brody/Adam_Brody_277.png_arcface_112x112.bin.
 */

export interface MatioLayout {
  root: string;
  /** Appended to each image key, e.g. "_arcface_112x112.bin". */
  suffix: string;
  progress?: ProgressMode;
}

export function matioPathFor(layout: MatioLayout, key: string): string {
  return join(layout.root, key + layout.suffix);
}

/** Gathers the per-image feature files of `keys` into one feature set (rows in key order). */
export function readMatioFeatureSet(keys: readonly string[], layout: MatioLayout): FeatureSet {
  const progress = startProgress('reading matio features', keys.length, layout.progress);
  let dim = -1;
  let data = new Float32Array(0);
  keys.forEach((key, row) => {
    const path = matioPathFor(layout, key);
    const m = readMatio(path);
    if (dim < 0) {
      dim = m.data.length;
      data = new Float32Array(keys.length * dim);
    } else if (m.data.length !== dim) {
      throw new UserError(`${path}: feature of key '${key}' has ${m.data.length} values; the first file (${matioPathFor(layout, keys[0])}) has ${dim}`);
    }
    data.set(m.data, row * dim);
    if (row % 1000 === 0) progress.update(row);
  });
  progress.update(keys.length);
  progress.stop();
  return { rows: keys.length, dim: Math.max(dim, 0), data, keys: [...keys] };
}

/** Writes each row as ROOT/KEY + SUFFIX in the devkit's format, so the official devkit can score our features. */
export function writeMatioFeatureSet(fs: FeatureSet, layout: MatioLayout): void {
  const progress = startProgress('writing matio features', fs.rows, layout.progress);
  const made = new Set<string>();
  fs.keys.forEach((key, row) => {
    const path = matioPathFor(layout, key);
    const dir = dirname(path);
    if (!made.has(dir)) {
      makeDir(dir, 'matio feature folder');
      made.add(dir);
    }
    writeMatio(path, fs.data.subarray(row * fs.dim, (row + 1) * fs.dim));
    if (row % 1000 === 0) progress.update(row);
  });
  progress.update(fs.rows);
  progress.stop();
}
