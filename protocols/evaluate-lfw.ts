import { UserError } from '../harness/core/errors.js';
import { scorePairs } from '../harness/scoring/pair-scoring.js';
import { sharedFloat64, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { ScoringPool } from '../harness/scoring/pool.js';
import { writeNormalisedRow, type FeatureMatrix } from './feature-matrix.js';
import { consecutiveFolds } from './folds.js';
import { evaluatePairVerification } from './lfw.js';
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
  tarAtFar: Record<string, number>;
  roc: { fpr: number[]; tpr: number[] };
  /** Present when only one fold was scored (a model trained without that fold's people): every metric is of it alone. */
  heldOutFold?: { fold: number; folds: number; pairs: number };
}

export interface LfwOptions {
  /** Number of consecutive folds (default 10, insightface's and pairs.txt's). */
  folds?: number;
  /**
   * Score only this 1-based fold: its threshold is chosen on the other folds' pairs exactly as in the 10-fold
   * protocol, and accuracy, ROC, AUC, EER and TAR are those of its pairs alone.
   */
  heldOutFold?: number;
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
  const m = evaluatePairVerification(distances, issame, { folds, testFolds: held === undefined ? undefined : [held - 1] });
  return {
    protocol: 'lfw',
    pairs: m.pairs,
    accuracy: m.accuracy,
    std: m.std,
    thresholds: m.thresholds,
    auc: m.auc,
    eer: m.eer,
    tarAtFar: m.tarAtFar,
    roc: thinCurve(m.fpr, m.tpr, 1000),
    ...(held === undefined ? {} : { heldOutFold: { fold: held, folds, pairs: foldSize(pairs.length, folds, held) } }),
  };
}

function foldSize(count: number, folds: number, fold: number): number {
  const { start, end } = consecutiveFolds(count, folds)[fold - 1]!;
  return end - start;
}
