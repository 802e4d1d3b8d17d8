import { consecutiveFolds, type FoldRange } from './folds.js';
import { equalErrorRate, trapezoidArea } from './roc.js';

/**
 * LFW-style pair verification as insightface's verification.py scores it: squared Euclidean distance of
 * L2-normalised features, a fixed grid of thresholds, 10 consecutive folds, and in each fold the threshold
 * that maximises accuracy on the other nine folds ("same" predicted when distance < threshold).
 */

/** insightface's np.arange(0, 4, 0.01): 0, 0.01, …, 3.99, each i·0.01 as numpy computes it. */
export function lfwThresholds(): Float64Array {
  return Float64Array.from({ length: 400 }, (_, i) => i * 0.01);
}

export interface PairVerificationMetrics {
  pairs: number;
  /** Mean of the per-fold test accuracies. */
  accuracy: number;
  /** Population standard deviation (ddof 0) of the per-fold accuracies. */
  std: number;
  foldAccuracies: number[];
  /** The threshold chosen on the other folds, per fold. */
  thresholds: number[];
  /** Per grid threshold, TPR and FPR averaged over the test folds (insightface's returned tpr, fpr). */
  tpr: Float64Array;
  fpr: Float64Array;
  auc: number;
  eer: number;
}

/** Counts of one class below each threshold, from its sorted distances. */
function countsBelow(sortedAscending: Float64Array, thresholds: Float64Array): Int32Array {
  const out = new Int32Array(thresholds.length);
  let k = 0;
  for (let t = 0; t < thresholds.length; t++) {
    while (k < sortedAscending.length && sortedAscending[k] < thresholds[t]) k++;
    out[t] = k;
  }
  return out;
}

interface ClassCounts {
  genuine: number;
  impostor: number;
  /** Per threshold: genuine pairs with distance < threshold (true accepts). */
  genuineBelow: Int32Array;
  /** Per threshold: impostor pairs with distance < threshold (false accepts). */
  impostorBelow: Int32Array;
}

function classCounts(distances: Float64Array, issame: Uint8Array, select: (k: number) => boolean, thresholds: Float64Array): ClassCounts {
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let k = 0; k < distances.length; k++) {
    if (!select(k)) continue;
    (issame[k] ? genuine : impostor).push(distances[k]);
  }
  const g = Float64Array.from(genuine).sort();
  const i = Float64Array.from(impostor).sort();
  return { genuine: g.length, impostor: i.length, genuineBelow: countsBelow(g, thresholds), impostorBelow: countsBelow(i, thresholds) };
}

/** Correct decisions at threshold index t: true accepts plus true rejects. */
function correct(c: ClassCounts, t: number): number {
  return c.genuineBelow[t] + (c.impostor - c.impostorBelow[t]);
}

/**
 * The metrics of a pair list: `distances[k]` is the squared distance of pair k's normalised features,
 * `issame[k]` 1 for a same-person pair. Pairs are in file order, which defines the folds.
 */
export function evaluatePairVerification(
  distances: Float64Array,
  issame: Uint8Array,
  opts: {
    folds?: number;
    thresholds?: Float64Array;
    /**
     * Score only these test folds (0-based), each with its threshold chosen on all the other folds as usual; the
     * metrics are then over these folds alone. For a model trained per fold, which must be scored only on the
     * fold it did not see.
     */
    testFolds?: readonly number[];
  } = {},
): PairVerificationMetrics {
  const thresholds = opts.thresholds ?? lfwThresholds();
  const allFolds: FoldRange[] = consecutiveFolds(distances.length, opts.folds ?? 10);
  const folds = opts.testFolds === undefined ? allFolds : opts.testFolds.map((f) => allFolds[f] ?? badFold(f, allFolds.length));
  const tprSum = new Float64Array(thresholds.length);
  const fprSum = new Float64Array(thresholds.length);
  const foldAccuracies: number[] = [];
  const chosen: number[] = [];
  for (const { start, end } of folds) {
    const train = classCounts(distances, issame, (k) => k < start || k >= end, thresholds);
    const test = classCounts(distances, issame, (k) => k >= start && k < end, thresholds);
    // np.argmax: the first threshold reaching the best training accuracy.
    let best = 0;
    for (let t = 1; t < thresholds.length; t++) if (correct(train, t) > correct(train, best)) best = t;
    chosen.push(thresholds[best]);
    foldAccuracies.push(correct(test, best) / (end - start));
    for (let t = 0; t < thresholds.length; t++) {
      tprSum[t] += test.genuine === 0 ? 0 : test.genuineBelow[t] / test.genuine;
      fprSum[t] += test.impostor === 0 ? 0 : test.impostorBelow[t] / test.impostor;
    }
  }
  const tpr = tprSum.map((v) => v / folds.length);
  const fpr = fprSum.map((v) => v / folds.length);
  const accuracy = foldAccuracies.reduce((a, b) => a + b, 0) / folds.length;
  const variance = foldAccuracies.reduce((a, b) => a + (b - accuracy) ** 2, 0) / folds.length;
  return {
    pairs: distances.length,
    accuracy,
    std: Math.sqrt(variance),
    foldAccuracies,
    thresholds: chosen,
    tpr,
    fpr,
    auc: trapezoidArea(fpr, tpr),
    eer: equalErrorRate(fpr, tpr),
  };
}

function badFold(fold: number, count: number): never {
  throw new Error(`test fold ${fold} is not one of the ${count} folds (0-based)`);
}
