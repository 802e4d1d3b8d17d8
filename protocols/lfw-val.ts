import { consecutiveFolds } from './folds.js';
import { farResolvable } from './far.js';

/**
 * VAL@FAR as facenet's and insightface's `calculate_val` compute it: in each fold, the training folds' FAR is
 * taken at every threshold of np.arange(0, 4, 0.001) ("same" when distance < threshold); the threshold for the
 * target FAR is interpolated on that curve (SciPy's interp1d(far_train, thresholds, kind='slinear')), or 0 when
 * the training FAR never reaches the target; VAL and FAR are then measured on the test fold. VAL is the mean
 * ± population std over folds, FAR the mean.
 *
 * The training FAR curve is flat over long runs of thresholds (FAR 0 for every threshold below the smallest
 * impostor distance), i.e. its x values repeat. Current SciPy's interp1d refuses repeated x ("Expect x to not
 * have duplicates"); older SciPy, which the reference scripts were written against, built the same degree-1
 * B-spline on knots [x0, x…, x_last] and evaluated it. That is what `interpolateAsOldSlinear` reproduces: on a
 * run of equal FAR values the segment starts at the run's LAST (largest) threshold.
 */

export interface ValAtFar {
  /** The target FAR. */
  far: number;
  /** Mean over the test folds of the fraction of genuine pairs accepted. */
  val: number;
  /** Population std (ddof 0) of the per-fold VAL. */
  valStd: number;
  /** Mean over the test folds of the achieved FAR. */
  farMean: number;
  /** The interpolated threshold per test fold. */
  thresholds: number[];
  /**
   * Whether the target can be measured where the threshold is chosen: at least one impostor pair of every
   * fold's training folds at that FAR (target ≥ 1 / impostor pairs).
   */
  resolvable: boolean;
}

/** np.arange(0, 4, 0.001): each i·0.001 as numpy computes it. */
export function valThresholds(): Float64Array {
  return Float64Array.from({ length: 4000 }, (_, i) => i * 0.001);
}

/** Number of values below each threshold, from sorted values (thresholds ascending). */
function countsBelow(sortedAscending: Float64Array, thresholds: Float64Array): Int32Array {
  const out = new Int32Array(thresholds.length);
  let k = 0;
  for (let t = 0; t < thresholds.length; t++) {
    while (k < sortedAscending.length && sortedAscending[k] < thresholds[t]) k++;
    out[t] = k;
  }
  return out;
}

/**
 * interp1d(x, y, kind='slinear')(at) for a non-decreasing x with repeats, as older SciPy evaluated it: the
 * segment [x_i, x_{i+1}) holding `at`, with i the last index whose x_i ≤ at (SciPy's find_interval), and
 * at = x_last falling into the final segment. On a zero-length final segment SciPy's de Boor step yields 0.
 */
export function interpolateAsOldSlinear(x: ArrayLike<number>, y: ArrayLike<number>, at: number): number {
  const n = x.length;
  if (!(at >= x[0] && at <= x[n - 1])) throw new Error(`interpolation target ${at} is outside [${x[0]}, ${x[n - 1]}]`);
  let i = n - 2;
  if (at < x[n - 1]) {
    // Largest i with x[i] ≤ at (then x[i + 1] > at).
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (x[mid] <= at) lo = mid;
      else hi = mid;
    }
    i = lo;
  }
  const x0 = x[i];
  const x1 = x[i + 1];
  if (x0 === x1) return 0;
  // De Boor for degree 1: the two hat functions' weights, in SciPy's order of operations.
  const w = 1 / (x1 - x0);
  return y[i] * (w * (x1 - at)) + y[i + 1] * (w * (at - x0));
}

export function valAtFar(
  distances: Float64Array,
  issame: Uint8Array,
  far: number,
  opts: { folds?: number; testFolds?: readonly number[]; thresholds?: Float64Array } = {},
): ValAtFar {
  const thresholds = opts.thresholds ?? valThresholds();
  const all = consecutiveFolds(distances.length, opts.folds ?? 10);
  const tested = opts.testFolds ? opts.testFolds.map((f) => all[f]!) : all;
  const vals: number[] = [];
  const fars: number[] = [];
  const chosen: number[] = [];
  let resolvable = true;
  for (const { start, end } of tested) {
    const trainImpostors: number[] = [];
    for (let k = 0; k < distances.length; k++) if ((k < start || k >= end) && !issame[k]) trainImpostors.push(distances[k]);
    const below = countsBelow(Float64Array.from(trainImpostors).sort(), thresholds);
    const farTrain = Float64Array.from(below, (c) => c / trainImpostors.length);
    resolvable &&= farResolvable(far, trainImpostors.length);
    const threshold = farTrain[farTrain.length - 1] >= far ? interpolateAsOldSlinear(farTrain, thresholds, far) : 0;
    chosen.push(threshold);
    let accepted = 0;
    let same = 0;
    let falseAccepted = 0;
    let diff = 0;
    for (let k = start; k < end; k++) {
      const accept = distances[k] < threshold;
      if (issame[k]) {
        same++;
        if (accept) accepted++;
      } else {
        diff++;
        if (accept) falseAccepted++;
      }
    }
    vals.push(accepted / same);
    fars.push(falseAccepted / diff);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const val = mean(vals);
  return {
    far,
    val,
    valStd: Math.sqrt(vals.reduce((a, v) => a + (v - val) ** 2, 0) / vals.length),
    farMean: mean(fars),
    thresholds: chosen,
    resolvable,
  };
}
