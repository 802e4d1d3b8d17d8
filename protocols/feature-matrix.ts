import { UserError } from '../harness/core/errors.js';

/**
 * Features as the protocols see them: a row-major [rows × dim] matrix plus a way to name a row in an error
 * message (its key and where the key came from), since the protocols never read files themselves.
 */
export interface FeatureMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
  /** E.g. "key 'Abel/Abel_0001.jpg' (row 12 of lfw.npy)". */
  describe(row: number): string;
}

/** A matrix whose rows are named by `keys` of the feature file `path`. */
export function featureMatrix(data: Float32Array, rows: number, dim: number, keys: readonly string[], path: string): FeatureMatrix {
  return { data, rows, dim, describe: (row) => `key '${keys[row]}' (row ${row} of ${path})` };
}

/** ‖row‖₂, refusing NaN, infinite and all-zero rows: none of them has a direction to compare. */
export function rowNorm(m: FeatureMatrix, row: number): number {
  let sum = 0;
  const from = row * m.dim;
  for (let d = 0; d < m.dim; d++) sum += m.data[from + d] * m.data[from + d];
  if (!Number.isFinite(sum)) throw new UserError(`${m.describe(row)}: feature has a NaN or infinite value`);
  if (sum === 0) throw new UserError(`${m.describe(row)}: feature is all zeros (zero norm); cannot normalise it`);
  return Math.sqrt(sum);
}

/** Copies row `row` divided by its norm into `out` at `offset`. */
export function writeNormalisedRow(m: FeatureMatrix, row: number, out: Float32Array | Float64Array, offset: number): void {
  const norm = rowNorm(m, row);
  const from = row * m.dim;
  for (let d = 0; d < m.dim; d++) out[offset + d] = m.data[from + d] / norm;
}
