import { renameSync, rmSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { tempPathFor, writeFileAtomic } from '../core/atomic-write.js';
import { readNpy, readNpyHeader, writeNpy, type NpyDtype } from './npy.js';
import { readTextFile } from '../core/read-file.js';

/**
 * A feature set: NAME.npy (float32 or float16, [rows, dim]) plus NAME.keys.txt (one image key per line, in
 * row order). It is the interchange format between `flb embed`, the protocols and any other framework.
 */
export interface FeatureSet {
  rows: number;
  dim: number;
  /** Row-major [rows, dim]. */
  data: Float32Array;
  /** Image key of each row: the image path relative to the dataset root, as the protocol files name it. */
  keys: string[];
}

export interface ReadFeatureSetOptions {
  /** Defaults to NAME.keys.txt beside NAME.npy. */
  keysPath?: string;
  /** Back `data` with a SharedArrayBuffer so scoring workers can read it without a copy. */
  shared?: boolean;
  /** Accept NaN / ±Infinity features instead of refusing the set. */
  allowNaN?: boolean;
}

/** NAME.keys.txt for NAME.npy. */
export function keysPathFor(npyPath: string): string {
  return (npyPath.endsWith('.npy') ? npyPath.slice(0, -4) : npyPath) + '.keys.txt';
}

/** One key per line; a final newline is optional, CRLF files are accepted; empty keys are refused. */
export function readKeys(keysPath: string): string[] {
  const text = readTextFile(keysPath, 'keys file');
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const firstLine = new Map<string, number>();
  return lines.map((raw, i) => {
    const key = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (key === '') throw new UserError(`${keysPath}:${i + 1}: empty key; expected one image key per line`);
    const seen = firstLine.get(key);
    if (seen !== undefined) throw new UserError(`${keysPath}:${i + 1}: duplicate key '${key}' (first on line ${seen})`);
    firstLine.set(key, i + 1);
    return key;
  });
}

/** Index of the first row holding a NaN or infinite value, or -1. */
export function firstNonFiniteRow(data: Float32Array, dim: number): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is NaN exactly when v is NaN or ±Infinity; cheaper than Number.isFinite in this hot loop.
    if (v - v !== 0) return Math.floor(i / dim);
  }
  return -1;
}

export function readFeatureSet(npyPath: string, opts: ReadFeatureSetOptions = {}): FeatureSet {
  const keysPath = opts.keysPath ?? keysPathFor(npyPath);
  // Header and keys first: a mismatch is reported before gigabytes of features are read.
  const { shape } = readNpyHeader(npyPath);
  if (shape.length !== 2) {
    throw new UserError(`${npyPath}: feature set must be a 2-D array [rows, dim]; got shape [${shape.join(', ')}]`);
  }
  const [rows, dim] = shape;
  const keys = readKeys(keysPath);
  if (keys.length !== rows) {
    throw new UserError(`feature set keys and rows disagree: ${npyPath} has ${rows} rows but ${keysPath} has ${keys.length} keys`);
  }
  const { data } = readNpy(npyPath, { shared: opts.shared });
  if (!opts.allowNaN && dim > 0) {
    const row = firstNonFiniteRow(data, dim);
    if (row >= 0) {
      throw new UserError(`${npyPath}: row ${row} (key '${keys[row]}', ${keysPath}:${row + 1}) has a NaN or infinite feature`);
    }
  }
  return { rows, dim, data, keys };
}

/**
 * Writes NAME.npy and NAME.keys.txt. Both are written under temporary names first and renamed together at
 * the end, so neither a crash nor a concurrent reader sees one file without the other's new content.
 */
export function writeFeatureSet(npyPath: string, fs: FeatureSet, opts: { dtype?: NpyDtype; keysPath?: string } = {}): void {
  if (fs.data.length !== fs.rows * fs.dim) {
    throw new Error(`writeFeatureSet ${npyPath}: ${fs.rows}×${fs.dim} needs ${fs.rows * fs.dim} values, data has ${fs.data.length}`);
  }
  if (fs.keys.length !== fs.rows) throw new Error(`writeFeatureSet ${npyPath}: ${fs.rows} rows but ${fs.keys.length} keys`);
  const bad = fs.keys.findIndex((k) => k === '' || /[\r\n]/.test(k));
  if (bad >= 0) throw new Error(`writeFeatureSet ${npyPath}: key ${bad} is empty or contains a line break`);
  const keysPath = opts.keysPath ?? keysPathFor(npyPath);
  const npyTmp = tempPathFor(npyPath);
  const keysTmp = tempPathFor(keysPath);
  try {
    writeNpy(npyTmp, fs.data, [fs.rows, fs.dim], { dtype: opts.dtype });
    writeFileAtomic(keysTmp, fs.keys.map((k) => k + '\n').join(''));
    renameSync(keysTmp, keysPath);
    renameSync(npyTmp, npyPath);
  } finally {
    rmSync(npyTmp, { force: true });
    rmSync(keysTmp, { force: true });
  }
}

/**
 * Row lookup by image key for protocols: a key a protocol file names but the feature set lacks is the user's
 * error, reported with where the key came from (e.g. "pairs.txt:12") and which feature set lacks it.
 */
export function keyLookup(fs: Pick<FeatureSet, 'keys'>, featureSetPath: string): (key: string, source: string) => number {
  const rows = new Map<string, number>();
  fs.keys.forEach((k, i) => rows.set(k, i));
  return (key, source) => {
    const row = rows.get(key);
    if (row === undefined) throw new UserError(`${source}: key '${key}' is missing from the feature set ${featureSetPath} (${rows.size} keys)`);
    return row;
  };
}
