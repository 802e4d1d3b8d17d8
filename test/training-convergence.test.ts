import test from 'ava';
import { convergenceVerdict } from '../harness/training/convergence.js';
import { snapshotSteps } from '../harness/training/angle-snapshots.js';

const line = (step: number, acc: number, extra: Record<string, number> = {}) => ({ step, loss: 2, acc, accMargin: acc / 2, thetaMedDeg: 40, ...extra });

test('the verdict averages the plain-logit accuracy of the last 10% of steps and compares it with 50%', (t) => {
  // 100 steps, lines every 5: the last 10% are steps 91–100, i.e. the lines at 95 and 100: (0.4 + 0.7)/2 = 0.55.
  const metrics = [line(5, 0.01, { loss: 6.2 }), ...[10, 20, 50, 80, 90].map((s) => line(s, 0.2)), line(95, 0.4), line(100, 0.7, { loss: 0.8, thetaMedDeg: 35.5 })];
  const v = convergenceVerdict(metrics, 100, 500);
  t.true(Math.abs(v.trainAccuracy - 0.55) < 1e-12);
  t.true(v.converged);
  t.true(Math.abs((v.trainAccuracyMargin ?? 0) - 0.275) < 1e-12);
  t.is(v.thetaMedDeg, 35.5);
  t.deepEqual([v.lossFirst, v.lossLast], [6.2, 0.8]);
  t.true(Math.abs(v.lnClasses - Math.log(500)) < 1e-12);
  t.regex(v.criterion, /plain logits.*last 10% of steps, ≥ 0\.5/);
  // (0.3 + 0.6)/2 = 0.45 < 0.5: not converged, whatever came before.
  t.false(convergenceVerdict([line(90, 0.99), line(95, 0.3), line(100, 0.6)], 100, 500).converged);
  // No metrics at all: accuracy 0, not converged.
  t.false(convergenceVerdict([], 100, 500).converged);
});

test('snapshots at 25, 50, 75 and 100% of training, distinct and at least step 1', (t) => {
  t.deepEqual(snapshotSteps(300), [75, 150, 225, 300]);
  t.deepEqual(snapshotSteps(10), [3, 5, 8, 10]);
  t.deepEqual(snapshotSteps(2), [1, 2]);
});
