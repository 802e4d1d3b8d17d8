import test from 'ava';
import { equalErrorRate, rocCurve, tarAtFar, thinCurve, trapezoidArea } from '../protocols/roc.js';

const asc = (values: number[]) => Float64Array.from(values).sort();

test('roc_curve: the sklearn docstring example', (t) => {
  // y = [1, 1, 2, 2], scores [0.1, 0.4, 0.35, 0.8], pos_label 2 → fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1]
  const roc = rocCurve(asc([0.35, 0.8]), asc([0.1, 0.4]));
  t.deepEqual(Array.from(roc.fpr), [0, 0, 0.5, 0.5, 1]);
  t.deepEqual(Array.from(roc.tpr), [0, 0.5, 0.5, 1, 1]);
  t.deepEqual(Array.from(roc.thresholds), [Infinity, 0.8, 0.4, 0.35, 0.1]);
});

test('roc_curve drops points whose count second differences are both zero, keeps ends and corners', (t) => {
  // Descending: g .9, g .8, g .7, i .6, i .5, g .4 → (fps, tps) per distinct score:
  // (0,1) (0,2) (0,3) (1,3) (2,3) (2,4). (0,2) is mid-vertical: dropped; (1,3) mid-horizontal: dropped.
  const roc = rocCurve(asc([0.9, 0.8, 0.7, 0.4]), asc([0.6, 0.5]));
  t.deepEqual(Array.from(roc.thresholds), [Infinity, 0.9, 0.7, 0.5, 0.4]);
  t.deepEqual(Array.from(roc.fpr), [0, 0, 0, 1, 1]);
  t.deepEqual(Array.from(roc.tpr), [0, 0.25, 0.75, 0.75, 1]);
});

test('roc_curve groups tied scores across classes into one point', (t) => {
  const roc = rocCurve(asc([0.5, 0.5, 0.9]), asc([0.5, 0.1]));
  // distinct: .9 (0,1), .5 (1,3), .1 (2,3): second differences (1,1)... fps 0,1,2 → 0; tps 1,3,3 → -2 ≠ 0: kept.
  t.deepEqual(Array.from(roc.thresholds), [Infinity, 0.9, 0.5, 0.1]);
  t.deepEqual(Array.from(roc.fpr), [0, 0, 0.5, 1]);
  t.deepEqual(Array.from(roc.tpr), [0, 1 / 3, 1, 1]);
});

// Agreement with sklearn's roc_curve itself on larger sets: test/protocols-reference.test.ts.

test('TAR at a FAR as eval_ijbc.py reads it: the largest TPR at the nearest FPR; of two equally near FPRs, the larger', (t) => {
  const roc = { fpr: Float64Array.from([0, 0, 0.001, 0.001, 0.01, 0.25, 0.75, 1]), tpr: Float64Array.from([0, 0.3, 0.4, 0.6, 0.9, 0.92, 0.95, 1]) };
  // fpr 0.001 appears twice: flipud puts the tpr-0.6 point first, and min() keeps the first minimum.
  t.is(tarAtFar(roc, 0.001), 0.6);
  // Nearest is fpr 0 (gap 4e-4 < 6e-4), which has tpr 0 and 0.3: 0.3, not the curve's origin.
  t.is(tarAtFar(roc, 0.0004), 0.3);
  t.is(tarAtFar(roc, 0.2), 0.92);
  // 0.5 is exactly 0.25 from both 0.25 and 0.75 (all exact in binary): the later point in sklearn's order wins.
  t.is(tarAtFar(roc, 0.5), 0.95);
  // A target far below any positive FPR reads the largest TPR at FPR 0.
  t.is(tarAtFar(roc, 1e-6), 0.3);
});

test('trapezoid area and equal error rate on hand-built curves', (t) => {
  t.is(trapezoidArea([0, 0.5, 1], [0, 1, 1]), 0.75);
  // Line from (0, 0.5) to (1, 1): 1 − x = 0.5 + 0.5x → x = 1/3.
  t.true(Math.abs(equalErrorRate([0, 1], [0.5, 1]) - 1 / 3) < 1e-12);
  t.is(equalErrorRate([0, 0, 1], [0, 1, 1]), 0);
});

test('thinCurve keeps at most the requested points, both ends, and the low-FAR region', (t) => {
  const n = 100000;
  const fpr = Float64Array.from({ length: n }, (_, k) => k / (n - 1));
  const tpr = fpr.map((x) => Math.sqrt(x));
  const thin = thinCurve(fpr, tpr, 1000);
  t.true(thin.fpr.length <= 1000);
  t.is(thin.fpr[0], 0);
  t.is(thin.fpr[thin.fpr.length - 1], 1);
  t.true(thin.fpr.filter((x) => x > 0 && x < 1e-3).length >= 50);
  for (let k = 1; k < thin.fpr.length; k++) t.true(thin.fpr[k] > thin.fpr[k - 1]);
});
