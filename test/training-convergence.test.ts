import test from 'ava';
import { convergenceVerdict } from '../harness/training/convergence.js';
import { snapshotSteps } from '../harness/training/angle-snapshots.js';

const line = (step: number, thetaMedDeg: number, extra: Record<string, number> = {}) => ({ step, loss: 2, acc: 0.3, accMargin: 0.1, thetaMedDeg, ...extra });

test('the verdict averages θ_med over the last 10% of steps and compares it with 65°', (t) => {
  // 100 steps, lines every 5: the last 10% are steps 91–100, i.e. the lines at 95 and 100: (70 + 58)/2 = 64 ≤ 65.
  const metrics = [line(5, 89.5, { loss: 6.2 }), ...[10, 20, 50, 80, 90].map((s) => line(s, 80)), line(95, 70, { acc: 0.2 }), line(100, 58, { loss: 0.8, acc: 0.4 })];
  const v = convergenceVerdict(metrics, 100, 500);
  t.is(v.thetaMedDeg, 64);
  t.true(v.converged);
  t.true(Math.abs(v.trainAccuracy - 0.3) < 1e-12);
  t.true(Math.abs((v.trainAccuracyMargin ?? 0) - 0.1) < 1e-12);
  t.deepEqual([v.lossFirst, v.lossLast], [6.2, 0.8]);
  t.true(Math.abs(v.lnClasses - Math.log(500)) < 1e-12);
  t.is(v.criterion, 'over the last 10% of steps, median target angle θ_med ≤ 65° or training accuracy (plain top-1) ≥ 50%');
  // (60 + 72)/2 = 66 > 65 and accuracy 0.3 < 0.5: not converged, whatever came before.
  t.false(convergenceVerdict([line(90, 30, { acc: 0.9 }), line(95, 60), line(100, 72)], 100, 500).converged);
  // Nothing logged: no θ_med, not converged.
  t.false(convergenceVerdict([], 100, 500).converged);
  // Logged every 40 steps: no line falls in steps 91–100, so the last line (step 80, 60° ≤ 65°) decides.
  t.is(convergenceVerdict([line(40, 80), line(80, 60)], 100, 500).thetaMedDeg, 60);
  t.true(convergenceVerdict([line(40, 80), line(80, 60)], 100, 500).converged);
});

test('a run whose θ_med stays high but which classifies at least half of its batches converged (few classes)', (t) => {
  // θ_med (70 + 66)/2 = 68 > 65; accuracy (0.45 + 0.55)/2 = 0.5 ≥ 0.5: converged.
  const half = convergenceVerdict([line(80, 75, { acc: 0.1 }), line(95, 70, { acc: 0.45 }), line(100, 66, { acc: 0.55 })], 100, 64);
  t.is(half.thetaMedDeg, 68);
  t.is(half.trainAccuracy, 0.5);
  t.true(half.converged);
  // (0.44 + 0.54)/2 = 0.49 < 0.5 with the same angles: not converged.
  t.false(convergenceVerdict([line(95, 70, { acc: 0.44 }), line(100, 66, { acc: 0.54 })], 100, 64).converged);
});

test('snapshots at 25, 50, 75 and 100% of training, distinct and at least step 1', (t) => {
  t.deepEqual(snapshotSteps(300), [75, 150, 225, 300]);
  t.deepEqual(snapshotSteps(10), [3, 5, 8, 10]);
  t.deepEqual(snapshotSteps(2), [1, 2]);
});
