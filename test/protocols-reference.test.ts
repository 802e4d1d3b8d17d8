import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { farResolvable } from '../protocols/far.js';
import { evaluatePairVerification } from '../protocols/lfw.js';
import { valAtFar } from '../protocols/lfw-val.js';
import { rocCurve, tarAtFar } from '../protocols/roc.js';

/**
 * Expected values produced by the reference tools themselves (sklearn's roc_curve, insightface eval_ijbc.py's
 * TAR reading, facenet's calculate_val), stored by test/fixtures/protocol-reference/make_reference.py. This test
 * never runs that script; it only reads what it wrote.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/protocol-reference/', import.meta.url));
const readFixture = <T>(name: string): T => JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as T;

interface RocCase {
  name: string;
  genuine: number[];
  impostor: number[];
  targets: number[];
  roc: { fpr: number[]; tpr: number[]; thresholds: Array<number | null> };
  tarAtFar: number[];
}

const asc = (values: number[]) => Float64Array.from(values).sort();

for (const c of readFixture<RocCase[]>('roc-cases.json')) {
  test(`sklearn roc_curve and eval_ijbc.py's TAR@FAR: ${c.name}`, (t) => {
    const roc = rocCurve(asc(c.genuine), asc(c.impostor));
    t.deepEqual(Array.from(roc.fpr), c.roc.fpr);
    t.deepEqual(Array.from(roc.tpr), c.roc.tpr);
    // sklearn ≥ 1.3 writes +inf as the first threshold, 1.2 writes max + 1: only the finite ones are compared
    // (and −0 as 0: the two are one score).
    const plain = (v: number | null) => (v === 0 ? 0 : v);
    t.deepEqual(Array.from(roc.thresholds).slice(1).map(plain), c.roc.thresholds.slice(1).map(plain));
    c.targets.forEach((target, k) => t.is(tarAtFar(roc, target), c.tarAtFar[k], `target ${target}`));
  });
}

test('resolution: a target FAR is measurable only at or above one impostor pair in the set', (t) => {
  // 50 impostors: one false accept is FAR 0.02, so 0.02 is the smallest measurable target and 0.019 is not.
  t.true(farResolvable(0.02, 50));
  t.false(farResolvable(0.019, 50));
  t.false(farResolvable(1e-6, 178_800));
  t.true(farResolvable(1e-5, 178_800));
  // 1e-6 × 1,000,000 is one pair up to rounding of the product; it counts.
  t.true(farResolvable(1e-6, 1_000_000));
});

interface ValCase {
  name: string;
  distances: number[];
  issame: number[];
  expected: Array<{ far: number; val: number; valStd: number; farMean: number; thresholds: number[] }>;
  calculateRoc: { tpr: number[]; fpr: number[]; foldAccuracies: number[]; accuracy: number; std: number; thresholds: number[] };
}

for (const c of readFixture<ValCase[]>('lfw-val-cases.json')) {
  test(`LFW accuracy, thresholds and ROC as verification.py's calculate_roc: ${c.name}`, (t) => {
    const m = evaluatePairVerification(Float64Array.from(c.distances), Uint8Array.from(c.issame));
    const ref = c.calculateRoc;
    t.deepEqual(m.thresholds, ref.thresholds);
    t.deepEqual(m.foldAccuracies, ref.foldAccuracies);
    t.true(Math.abs(m.accuracy - ref.accuracy) < 1e-12);
    t.true(Math.abs(m.std - ref.std) < 1e-12);
    ref.tpr.forEach((v, i) => t.true(Math.abs(m.tpr[i] - v) < 1e-12, `tpr[${i}]`));
    ref.fpr.forEach((v, i) => t.true(Math.abs(m.fpr[i] - v) < 1e-12, `fpr[${i}]`));
  });

  test(`LFW VAL@FAR as facenet's calculate_val: ${c.name}`, (t) => {
    const distances = Float64Array.from(c.distances);
    const issame = Uint8Array.from(c.issame);
    for (const e of c.expected) {
      const r = valAtFar(distances, issame, e.far);
      t.deepEqual(r.thresholds, e.thresholds, `thresholds at FAR ${e.far}`);
      t.true(Math.abs(r.val - e.val) < 1e-12, `VAL at ${e.far}: ${r.val} vs ${e.val}`);
      t.true(Math.abs(r.valStd - e.valStd) < 1e-12, `std at ${e.far}: ${r.valStd} vs ${e.valStd}`);
      t.true(Math.abs(r.farMean - e.farMean) < 1e-12, `FAR at ${e.far}: ${r.farMean} vs ${e.farMean}`);
    }
  });
}

test('VAL@FAR by hand: the threshold interpolated on the training folds, duplicates as older SciPy took them', (t) => {
  // Two folds of four pairs (genuine, genuine, impostor, impostor). Fold 1 tests pairs 0–3 and trains on 4–7,
  // whose impostor distances are 1.0 and 2.0: FAR_train is 0 for thresholds ≤ 1.000, 0.5 on (1, 2] and 1 above.
  // Target 0.25 lies between the last grid threshold with FAR 0 (1.000) and the first with FAR 0.5 (1.001): the
  // degree-1 spline over the duplicate FAR-0 run interpolates from its LAST point, so the threshold is
  // 1.000 + (0.25 − 0)/(0.5 − 0)·0.001 = 1.0005. Fold 2 mirrors it with impostors at 0.5 and 3.0: 0.5005.
  const distances = Float64Array.from([0.2, 0.9, 0.5, 3.0, 0.1, 0.6, 1.0, 2.0]);
  const issame = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0]);
  const r = valAtFar(distances, issame, 0.25, { folds: 2 });
  t.is(r.thresholds.length, 2);
  t.true(Math.abs(r.thresholds[0] - 1.0005) < 1e-12, String(r.thresholds[0]));
  t.true(Math.abs(r.thresholds[1] - 0.5005) < 1e-12, String(r.thresholds[1]));
  // Fold 1 at 1.0005: genuine 0.2, 0.9 accepted (VAL 1); impostors 0.5 accepted, 3.0 not (FAR 0.5).
  // Fold 2 at 0.5005: genuine 0.1 accepted, 0.6 not (VAL 0.5); impostors 1.0, 2.0 rejected (FAR 0).
  t.is(r.val, 0.75);
  t.is(r.valStd, 0.25);
  t.is(r.farMean, 0.25);
});
