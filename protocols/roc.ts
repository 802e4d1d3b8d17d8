/**
 * The ROC curve exactly as sklearn.metrics.roc_curve builds it (drop_intermediate=True), from genuine and
 * impostor scores that are each sorted ascending. Published IJB-C TAR@FAR figures are read off this curve,
 * so which points it keeps matters: one point per distinct score, then every point whose second differences
 * in both false- and true-positive counts are zero is dropped, then (0, 0) is prepended at threshold +∞.
 */

export interface RocCurve {
  /** False-positive rate per point, non-decreasing. */
  fpr: Float64Array;
  /** True-positive rate per point, non-decreasing. */
  tpr: Float64Array;
  /** Score threshold of each point ("same" when score ≥ threshold); the first is +Infinity. */
  thresholds: Float64Array;
}

type Scores = Float64Array | Float32Array;

/** Growable parallel arrays of (fps, tps, threshold): the curve can have millions of points at IJB-C scale. */
class PointList {
  fps = new Float64Array(1024);
  tps = new Float64Array(1024);
  thresholds = new Float64Array(1024);
  length = 0;

  push(fps: number, tps: number, threshold: number): void {
    if (this.length === this.fps.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.fps = grow(this.fps);
      this.tps = grow(this.tps);
      this.thresholds = grow(this.thresholds);
    }
    this.fps[this.length] = fps;
    this.tps[this.length] = tps;
    this.thresholds[this.length] = threshold;
    this.length++;
  }
}

/**
 * sklearn's roc_curve(y_true, y_score) for y_true = 1 on genuine, 0 on impostor scores. Both arrays must be
 * sorted ascending and free of NaN; both classes must be present (sklearn returns NaN rates otherwise).
 */
export function rocCurve(genuineAscending: Scores, impostorAscending: Scores): RocCurve {
  if (genuineAscending.length === 0 || impostorAscending.length === 0) {
    throw new Error('rocCurve needs at least one genuine and one impostor score');
  }
  const kept = new PointList();
  kept.push(0, 0, Infinity);
  // The last two distinct-score points seen; the middle one of three consecutive points is kept unless both
  // count sequences have zero second difference there (sklearn's drop_intermediate).
  let prevF = NaN;
  let prevT = NaN;
  let prevThr = NaN;
  let prev2F = NaN;
  let prev2T = NaN;
  let seen = 0;
  let g = genuineAscending.length - 1;
  let i = impostorAscending.length - 1;
  let tps = 0;
  let fps = 0;
  while (g >= 0 || i >= 0) {
    const gv = g >= 0 ? genuineAscending[g] : -Infinity;
    const iv = i >= 0 ? impostorAscending[i] : -Infinity;
    const value = gv >= iv ? gv : iv;
    while (g >= 0 && genuineAscending[g] === value) {
      tps++;
      g--;
    }
    while (i >= 0 && impostorAscending[i] === value) {
      fps++;
      i--;
    }
    if (seen === 0) {
      kept.push(fps, tps, value); // the first point is always kept
    } else if (seen >= 2) {
      const middleKept = prev2F - 2 * prevF + fps !== 0 || prev2T - 2 * prevT + tps !== 0;
      if (middleKept) kept.push(prevF, prevT, prevThr);
    }
    prev2F = prevF;
    prev2T = prevT;
    prevF = fps;
    prevT = tps;
    prevThr = value;
    seen++;
  }
  if (seen >= 2) kept.push(prevF, prevT, prevThr); // the last point is always kept
  const n = kept.length;
  const fpr = new Float64Array(n);
  const tpr = new Float64Array(n);
  const totalF = kept.fps[n - 1];
  const totalT = kept.tps[n - 1];
  for (let k = 0; k < n; k++) {
    fpr[k] = kept.fps[k] / totalF;
    tpr[k] = kept.tps[k] / totalT;
  }
  return { fpr, tpr, thresholds: kept.thresholds.slice(0, n) };
}

/** Area under a curve by the trapezoidal rule (sklearn.metrics.auc on a non-decreasing x). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let k = 1; k < x.length; k++) area += ((x[k] - x[k - 1]) * (y[k] + y[k - 1])) / 2;
  return area;
}

/**
 * TAR at a target FAR read off a ROC exactly as insightface's eval_ijbc.py reads it: the curve is reversed
 * (np.flipud, "select largest tpr at same fpr") and the first minimum of |fpr − target| taken. So among the
 * points nearest the target, in float64 as numpy computes the gaps, the LAST one in sklearn's order wins:
 * the largest TPR at the nearest FPR, and of two FPRs equally near, the larger. Whether the target can be
 * measured at all is `farResolvable` (far.ts).
 */
export function tarAtFar(roc: Pick<RocCurve, 'fpr' | 'tpr'>, targetFpr: number): number {
  let best = 0;
  let bestGap = Infinity;
  for (let k = 0; k < roc.fpr.length; k++) {
    const gap = Math.abs(roc.fpr[k] - targetFpr);
    if (gap <= bestGap) {
      bestGap = gap;
      best = k;
    }
  }
  return roc.tpr[best];
}

/**
 * Equal error rate: the x where 1 − x = TPR(x), TPR interpolated linearly along the curve (what facenet's
 * brentq over interp1d(fpr, tpr) finds). Returns NaN if the curve never crosses.
 */
export function equalErrorRate(fpr: ArrayLike<number>, tpr: ArrayLike<number>): number {
  const gap = (k: number) => 1 - fpr[k] - tpr[k];
  for (let k = 1; k < fpr.length; k++) {
    const before = gap(k - 1);
    const after = gap(k);
    if (before === 0) return fpr[k - 1];
    if (before > 0 && after <= 0) {
      const dx = fpr[k] - fpr[k - 1];
      if (dx === 0) return fpr[k];
      // On the segment, gap(x) is linear in x: gap = before + (x − x0)·(after − before)/dx.
      return fpr[k - 1] + (before * dx) / (before - after);
    }
  }
  return NaN;
}

/**
 * At most `maxPoints` points of a curve for plotting and JSON: the end points plus, for log-spaced FPR
 * targets, the last point at or below each target, so the low-FAR region that papers plot keeps its detail.
 */
export function thinCurve(fpr: Float64Array, tpr: Float64Array, maxPoints = 1000): { fpr: number[]; tpr: number[] } {
  const n = fpr.length;
  if (n <= maxPoints) return { fpr: Array.from(fpr), tpr: Array.from(tpr) };
  let minPositive = 1;
  for (let k = 0; k < n; k++) if (fpr[k] > 0) {
    minPositive = fpr[k];
    break;
  }
  const picked = new Set<number>([0, n - 1]);
  const targets = maxPoints - 2;
  const logLo = Math.log(minPositive);
  for (let t = 0; t < targets; t++) {
    const target = Math.exp(logLo + ((0 - logLo) * t) / Math.max(1, targets - 1));
    picked.add(lastIndexAtOrBelow(fpr, target));
  }
  const order = [...picked].sort((a, b) => a - b);
  return { fpr: order.map((k) => fpr[k]), tpr: order.map((k) => tpr[k]) };
}

/** Largest index k with sorted[k] ≤ value (0 if none). */
function lastIndexAtOrBelow(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
