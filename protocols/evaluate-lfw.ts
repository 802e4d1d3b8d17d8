import { UserError } from '../harness/core/errors.js';
import { scorePairs } from '../harness/scoring/pair-scoring.js';
import { sharedFloat64, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { ScoringPool } from '../harness/scoring/pool.js';
import { writeNormalisedRow, type FeatureMatrix } from './feature-matrix.js';
import { consecutiveFolds } from './folds.js';
import { farKey } from './far.js';
import { evaluatePairVerification } from './lfw.js';
import { valAtFar } from './lfw-val.js';
import { thinCurve } from './roc.js';

/** A verification pair as rows of the feature matrix. */
export interface VerificationPair {
  first: number;
  second: number;
  same: boolean;
}

/** What `flb eval lfw --json` prints. */
export interface LfwResult {
  protocol: 'lfw';
  pairs: number;
  accuracy: number;
  std: number;
  thresholds: number[];
  auc: number;
  eer: number;
  /**
   * VAL@FAR as facenet's/insightface's calculate_val computes it (protocols/lfw-val.ts), per target FAR: the mean
   * and population std over the test folds of the fraction of genuine pairs accepted at a threshold interpolated
   * on the training folds, and the mean FAR actually reached on the test folds.
   */
  valAtFar: Record<string, { val: number; valStd: number; farMean: number }>;
  /** Per target FAR: false when below 1 / (impostor pairs of the training folds), where the threshold is set. */
  resolvable: Record<string, boolean>;
  roc: { fpr: number[]; tpr: number[] };
  /** Present when only one fold was scored (a model trained without that fold's people): every metric is of it alone. */
  heldOutFold?: { fold: number; folds: number; pairs: number };
}

export interface LfwOptions {
  /** Number of consecutive folds (default 10, insightface's and pairs.txt's). */
  folds?: number;
  /**
   * Score only this 1-based fold: its threshold is chosen on the other folds' pairs exactly as in the 10-fold
   * protocol, and accuracy, ROC, AUC, EER and VAL are those of its pairs alone.
   */
  heldOutFold?: number;
  /** VAL@FAR targets (default [1e-3], insightface's and facenet's). */
  farTargets?: number[];
}

/**
 * LFW (or any pair-list set) from features and pairs in file order: features are L2-normalised (float64),
 * the pool computes each pair's squared distance, the folds and thresholds follow verification.py.
 */
export async function evaluateLfw(pool: ScoringPool, features: FeatureMatrix, pairs: readonly VerificationPair[], opts: LfwOptions = {}): Promise<LfwResult> {
  const folds = opts.folds ?? 10;
  const held = opts.heldOutFold;
  if (held !== undefined && !(Number.isInteger(held) && held >= 1 && held <= folds)) {
    throw new UserError(`held-out fold ${held} is out of range: the pairs have ${folds} folds (1–${folds})`);
  }
  if (pairs.length < 10) throw new UserError(`LFW protocol needs at least 10 pairs (one per fold), got ${pairs.length}`);
  // Only rows that pairs use are normalised, so an unused bad row elsewhere in the file does not matter.
  const used = new Map<number, number>();
  for (const p of pairs) for (const row of [p.first, p.second]) if (!used.has(row)) used.set(row, used.size);
  const normalised = sharedFloat64(used.size * features.dim);
  for (const [row, slot] of used) writeNormalisedRow(features, row, normalised, slot * features.dim);
  const first = sharedInt32(pairs.length);
  const second = sharedInt32(pairs.length);
  const issame = new Uint8Array(pairs.length);
  pairs.forEach((p, k) => {
    first[k] = used.get(p.first)!;
    second[k] = used.get(p.second)!;
    issame[k] = p.same ? 1 : 0;
  });
  const distances = await scorePairs(pool, normalised, features.dim, first, second, 'squared-distance');
  const testFolds = held === undefined ? undefined : [held - 1];
  const m = evaluatePairVerification(distances, issame, { folds, testFolds });
  const vals = (opts.farTargets ?? [1e-3]).map((far) => valAtFar(distances, issame, far, { folds, testFolds }));
  return {
    protocol: 'lfw',
    pairs: m.pairs,
    accuracy: m.accuracy,
    std: m.std,
    thresholds: m.thresholds,
    auc: m.auc,
    eer: m.eer,
    valAtFar: Object.fromEntries(vals.map((v) => [farKey(v.far), { val: v.val, valStd: v.valStd, farMean: v.farMean }])),
    resolvable: Object.fromEntries(vals.map((v) => [farKey(v.far), v.resolvable])),
    roc: thinCurve(m.fpr, m.tpr, 1000),
    ...(held === undefined ? {} : { heldOutFold: { fold: held, folds, pairs: foldSize(pairs.length, folds, held) } }),
  };
}

function foldSize(count: number, folds: number, fold: number): number {
  const { start, end } = consecutiveFolds(count, folds)[fold - 1]!;
  return end - start;
}
