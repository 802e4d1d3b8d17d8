import { UserError } from '../core/errors.js';
import { keysPathFor, readFeatureSet } from '../formats/feature-set.js';
import { readLfwPairs } from '../formats/lfw-pairs.js';
import { readNpy } from '../formats/npy.js';
import { readVerificationBin } from '../formats/verification-bin.js';
import type { VerificationPair } from '../../protocols/evaluate-lfw.js';
import { featureMatrix, type FeatureMatrix } from '../../protocols/feature-matrix.js';
import { readIssameList } from '../../protocols/issame-list.js';

/**
 * Where a pair-verification evaluation (LFW and the insightface .bin sets) reads its inputs: a keyed feature set
 * with LFW's pairs.txt, or rows in .bin order (rows 2i and 2i+1 are pair i) with labels from an issame list or
 * from the .bin file itself.
 */
export type PairSource =
  | { kind: 'pairs-file'; features: string; keys?: string; pairs: string }
  | { kind: 'bin-order'; features: string; labels: { issame: string } | { bin: string } };

export interface PairInput {
  features: FeatureMatrix;
  pairs: VerificationPair[];
  /** The number of folds the pairs come in: pairs.txt's header, 10 for .bin order (as insightface). */
  folds: number;
}

export function loadPairInput(source: PairSource): PairInput {
  return source.kind === 'bin-order' ? loadBinOrder(source) : loadPairsFile(source);
}

function loadBinOrder(source: Extract<PairSource, { kind: 'bin-order' }>): PairInput {
  const { features: path, labels } = source;
  const labelsFile = 'issame' in labels ? labels.issame : labels.bin;
  const issame = 'issame' in labels ? readIssameList(labels.issame) : readVerificationBin(labels.bin).issame;
  const { shape, data } = readNpy(path, { shared: true });
  if (shape.length !== 2) throw new UserError(`${path}: expected a 2-D [rows, dim] array; got shape [${shape.join(', ')}]`);
  if (shape[0] !== 2 * issame.length) {
    throw new UserError(`${path}: has ${shape[0]} rows but ${labelsFile} lists ${issame.length} pairs; .bin order needs exactly 2 rows per pair`);
  }
  const features: FeatureMatrix = { data, rows: shape[0], dim: shape[1], describe: (row) => `row ${row} of ${path} (pair ${Math.floor(row / 2) + 1})` };
  return { features, pairs: issame.map((same, i) => ({ first: 2 * i, second: 2 * i + 1, same })), folds: 10 };
}

function loadPairsFile(source: Extract<PairSource, { kind: 'pairs-file' }>): PairInput {
  const keysPath = source.keys ?? keysPathFor(source.features);
  const list = readLfwPairs(source.pairs);
  const set = readFeatureSet(source.features, { keysPath, shared: true });
  const rowOf = new Map(set.keys.map((k, i) => [k, i] as const));
  const pairs = list.pairs.map((p) => {
    const [first, second] = p.keys.map((key) => {
      const row = rowOf.get(key);
      if (row === undefined) throw new UserError(`${source.pairs}:${p.line}: image '${key}' has no feature: it is not in ${keysPath}`);
      return row;
    });
    return { first, second, same: p.same };
  });
  return { features: featureMatrix(set.data, set.rows, set.dim, set.keys, source.features), pairs, folds: list.folds };
}
