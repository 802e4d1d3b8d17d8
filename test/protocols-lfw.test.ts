import test from 'ava';
import { consecutiveFolds } from '../protocols/folds.js';
import { evaluatePairVerification, lfwThresholds } from '../protocols/lfw.js';
import { evaluateLfw, type VerificationPair } from '../protocols/evaluate-lfw.js';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import type { FeatureMatrix } from '../protocols/feature-matrix.js';

let pool: ScoringPool;
test.before(() => {
  pool = createScoringPool(2);
});
test.after.always(() => pool.close());

test('KFold(shuffle=False) blocks: consecutive, the first n % k one larger', (t) => {
  t.deepEqual(consecutiveFolds(6000, 10)[3], { start: 1800, end: 2400 });
  t.deepEqual(consecutiveFolds(23, 10).map((f) => f.end - f.start), [3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
});

test('thresholds are numpy arange(0, 4, 0.01)', (t) => {
  const th = lfwThresholds();
  t.is(th.length, 400);
  t.is(th[0], 0);
  t.is(th[399], 3.99);
  t.is(th[151], 1.51);
});

test('hand-worked case: one bad genuine pair in fold 0', (t) => {
  // 10 folds of (genuine 0.255, impostor 1.0), except fold 0's genuine pair at 1.2.
  const distances: number[] = [];
  const issame: number[] = [];
  for (let f = 0; f < 10; f++) {
    distances.push(f === 0 ? 1.2 : 0.255, 1.0);
    issame.push(1, 0);
  }
  const m = evaluatePairVerification(Float64Array.from(distances), Uint8Array.from(issame));
  // Every training split is best at the first threshold above 0.255 (0.26): fold 0 then scores 1/2, the rest 2/2.
  t.deepEqual(m.thresholds, Array(10).fill(0.26));
  t.deepEqual(m.foldAccuracies, [0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  t.true(Math.abs(m.accuracy - 0.95) < 1e-12);
  t.true(Math.abs(m.std - 0.15) < 1e-12); // population std: sqrt((0.45² + 9·0.05²)/10)
  // Fold-averaged curve: (0,0) → (0,0.9) for t in (0.255, 1.0] → (1,0.9) → (1,1): area 0.9, EER where 1 − x = 0.9.
  t.true(Math.abs(m.auc - 0.9) < 1e-12);
  t.true(Math.abs(m.eer - 0.1) < 1e-12);
});

// Agreement with verification.py's calculate_roc itself: test/protocols-reference.test.ts (fixtures made by sklearn/numpy).

function randomFeatures(rows: number, dim: number, seed: number): FeatureMatrix {
  let s = seed;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
  const identityOf = (row: number) => Math.floor(row / 3);
  const centres = new Map<number, number[]>();
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    if (!centres.has(identityOf(r))) centres.set(identityOf(r), Array.from({ length: dim }, rand));
    const c = centres.get(identityOf(r))!;
    for (let d = 0; d < dim; d++) data[r * dim + d] = c[d] + 0.9 * rand();
  }
  return { data, rows, dim, describe: (row) => `row ${row}` };
}

test('pool path: distances of normalised features; duplicating every pair in place keeps the accuracy', async (t) => {
  const features = randomFeatures(300, 16, 5);
  const pairs: VerificationPair[] = [];
  for (let k = 0; k < 200; k++) {
    const a = (k * 7) % 300;
    const same = k % 2 === 0;
    const b = same ? a - (a % 3) + ((a + 1) % 3) : (a + 3 * (1 + (k % 50))) % 300;
    pairs.push({ first: a, second: b, same });
  }
  const once = await evaluateLfw(pool, features, pairs);
  // Brute-force distances of the normalised rows, then the pure metric code.
  const norm = (r: number) => {
    const v = Array.from(features.data.subarray(r * 16, r * 16 + 16));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const dist = pairs.map((p) => norm(p.first).reduce((s, x, d) => s + (x - norm(p.second)[d]) ** 2, 0));
  const direct = evaluatePairVerification(Float64Array.from(dist), Uint8Array.from(pairs, (p) => Number(p.same)));
  t.is(once.accuracy, direct.accuracy);
  t.deepEqual(once.thresholds, direct.thresholds);
  t.true(once.accuracy > 0.6 && once.accuracy < 1);
  const twice = await evaluateLfw(pool, features, pairs.flatMap((p) => [p, p]));
  t.is(twice.accuracy, once.accuracy);
  t.is(twice.pairs, 400);
});

test('a zero-norm feature is refused, naming its row', async (t) => {
  const features = randomFeatures(30, 4, 8);
  features.data.fill(0, 5 * 4, 6 * 4);
  const pairs = Array.from({ length: 10 }, (_, k) => ({ first: k, second: k + 10, same: k % 2 === 0 }));
  await t.throwsAsync(evaluateLfw(pool, features, pairs), { message: /row 5: feature is all zeros/ });
});

test('one held-out fold: its threshold is chosen on the other folds, and every metric is of its pairs alone (hand-worked)', (t) => {
  // Two folds of two pairs. Fold 0: genuine 0.1, impostor 0.5; fold 1: genuine 0.3, impostor 0.2.
  const distances = Float64Array.from([0.1, 0.5, 0.3, 0.2]);
  const issame = Uint8Array.from([1, 0, 1, 0]);
  const thresholds = Float64Array.from([0, 0.15, 0.25, 0.35, 0.6]);
  const m = evaluatePairVerification(distances, issame, { folds: 2, thresholds, testFolds: [1] });
  // On fold 0, 0.15 is the first threshold to get both pairs right; on fold 1 it rejects both pairs: 1 of 2 right.
  t.deepEqual(m.thresholds, [0.15]);
  t.deepEqual(m.foldAccuracies, [0.5]);
  t.is(m.accuracy, 0.5);
  t.is(m.std, 0);
  // Fold 1's own curve per threshold: TPR 0, 0, 0, 1, 1 (genuine 0.3); FPR 0, 0, 1, 1, 1 (impostor 0.2).
  t.deepEqual(Array.from(m.tpr), [0, 0, 0, 1, 1]);
  t.deepEqual(Array.from(m.fpr), [0, 0, 1, 1, 1]);
  // Scoring fold 0 this way gives the 2-fold protocol's fold 0.
  const all = evaluatePairVerification(distances, issame, { folds: 2, thresholds });
  const first = evaluatePairVerification(distances, issame, { folds: 2, thresholds, testFolds: [0] });
  t.deepEqual(first.foldAccuracies, [all.foldAccuracies[0]]);
  t.deepEqual(first.thresholds, [all.thresholds[0]]);
});

test('evaluateLfw with a held-out fold reports that fold of the 10-fold protocol and says which it is', async (t) => {
  const features = randomFeatures(300, 16, 5);
  const pairs: VerificationPair[] = [];
  for (let k = 0; k < 200; k++) {
    const a = (k * 7) % 300;
    const same = k % 2 === 0;
    const b = same ? a - (a % 3) + ((a + 1) % 3) : (a + 3 * (1 + (k % 50))) % 300;
    pairs.push({ first: a, second: b, same });
  }
  const full = evaluatePairVerification(await pairDistances(features, pairs), Uint8Array.from(pairs, (p) => Number(p.same)));
  const fold3 = await evaluateLfw(pool, features, pairs, { heldOutFold: 3 });
  t.is(fold3.accuracy, full.foldAccuracies[2]);
  t.deepEqual(fold3.thresholds, [full.thresholds[2]]);
  t.deepEqual(fold3.heldOutFold, { fold: 3, folds: 10, pairs: 20 });
  t.is(fold3.std, 0);
  await t.throwsAsync(evaluateLfw(pool, features, pairs, { heldOutFold: 11 }), { message: /held-out fold 11 is out of range: the pairs have 10 folds/ });
  t.is((await evaluateLfw(pool, features, pairs)).heldOutFold, undefined);
});

/** Squared distances of the normalised rows of each pair, computed directly. */
async function pairDistances(features: FeatureMatrix, pairs: VerificationPair[]): Promise<Float64Array> {
  const norm = (r: number) => {
    const v = Array.from(features.data.subarray(r * features.dim, (r + 1) * features.dim));
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  return Float64Array.from(pairs.map((p) => norm(p.first).reduce((s, x, d) => s + (x - norm(p.second)[d]!) ** 2, 0)));
}
