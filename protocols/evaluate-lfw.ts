import { UserError } from '../harness/errors.js';
import { scorePairs } from '../harness/scoring/pair-scoring.js';
import { sharedFloat64, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { ScoringPool } from '../harness/scoring/pool.js';
import { writeNormalisedRow, type FeatureMatrix } from './feature-matrix.js';
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
}

/**
 * LFW (or any pair-list set) from features and pairs in file order: features are L2-normalised (float64),
 * the pool computes each pair's squared distance, the folds and thresholds follow verification.py.
 */
export async function evaluateLfw(pool: ScoringPool, features: FeatureMatrix, pairs: readonly VerificationPair[]): Promise<LfwResult> {
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
  const m = evaluatePairVerification(distances, issame);
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
  };
}
