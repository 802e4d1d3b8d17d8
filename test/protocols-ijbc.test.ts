import test from 'ava';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import { evaluateIjbc, type IjbcInput, type TemplatePairs } from '../protocols/evaluate-ijbc.js';
import type { FeatureMatrix } from '../protocols/feature-matrix.js';
import { poolTemplates, type TemplateImage } from '../protocols/ijbc-templates.js';

let pool: ScoringPool;
test.before(() => {
  pool = createScoringPool(2);
});
test.after.always(() => pool.close());

function matrix(rows: number[][]): FeatureMatrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, dim: rows[0].length, describe: (r) => `key '${r}.jpg'` };
}

function pairs(list: Array<[number, number, number]>): TemplatePairs {
  return {
    first: Int32Array.from(list, (p) => p[0]),
    second: Int32Array.from(list, (p) => p[1]),
    label: Uint8Array.from(list, (p) => p[2]),
    describe: (k) => `pairs.txt:${k + 1}`,
  };
}

// Template 1: media 10 = images 0 (2,0) and 1 (0,2); media 11 = image 2 (1,0). Template 2: image 3 (0,3).
// Template 3: images 4 (3,0) and 5 (−1,0), one media.
const features = matrix([[2, 0], [0, 2], [1, 0], [0, 3], [3, 0], [-1, 0]]);
const images: TemplateImage[] = [
  { row: 0, template: 1, media: 10 },
  { row: 1, template: 1, media: 10 },
  { row: 2, template: 1, media: 11 },
  { row: 3, template: 2, media: 20 },
  { row: 4, template: 3, media: 30 },
  { row: 5, template: 3, media: 30 },
];
const faceness = Float64Array.from([0.5, 1, 2, 1, 1, 1]);

function close(t: { true(v: boolean, m?: string): void }, actual: ArrayLike<number>, expected: number[]): void {
  expected.forEach((e, i) => t.true(Math.abs(actual[i] - e) < 1e-12, `index ${i}: ${actual[i]} vs ${e}`));
}

test('template pooling: media means summed then normalised; faceness and --normalize-images', (t) => {
  const plain = poolTemplates(features, images);
  t.deepEqual(Array.from(plain.ids), [1, 2, 3]);
  // T1: mean((2,0),(0,2)) + (1,0) = (2,1); T2: (0,3); T3: mean((3,0),(−1,0)) = (1,0).
  close(t, plain.features, [2 / Math.sqrt(5), 1 / Math.sqrt(5), 0, 1, 1, 0]);
  // Faceness: mean((1,0),(0,2)) + (2,0) = (2.5, 1).
  const weighted = poolTemplates(features, images, { faceness });
  close(t, weighted.features.subarray(0, 2), [2.5 / Math.sqrt(7.25), 1 / Math.sqrt(7.25)]);
  // Normalised images first: mean((1,0),(0,1)) + (1,0) = (1.5, 0.5); T3: mean((1,0),(−1,0)) = 0 stays 0.
  const normalised = poolTemplates(features, images, { normalizeImages: true });
  close(t, normalised.features, [1.5 / Math.sqrt(2.5), 0.5 / Math.sqrt(2.5), 0, 1, 0, 0]);
});

test('hand-worked IJB-C case: scores, sklearn ROC, nearest-FPR TAR, AUC, counts', async (t) => {
  // Scores: T1·T2 = 1/√5 (genuine), T1·T3 = 2/√5 (impostor), T2·T3 = 0 (impostor), T3·T1 = 2/√5 (genuine).
  const input: IjbcInput = { features, images, pairs: pairs([[1, 2, 1], [1, 3, 0], [2, 3, 0], [3, 1, 1]]), farTargets: [0.2, 0.25, 0.4, 0.9], progress: 'quiet' };
  const r = await evaluateIjbc(pool, input);
  // Points (fps, tps): (0,0) (1,1) at 2/√5, (1,2) at 1/√5, (2,2) at 0 → fpr [0,.5,.5,1], tpr [0,.5,1,1].
  t.deepEqual(r.roc, { fpr: [0, 0.5, 0.5, 1], tpr: [0, 0.5, 1, 1] });
  t.is(r.auc, 0.625);
  // eval_ijbc.py reads the largest TPR at the nearest FPR: 0.2 is nearest fpr 0 (tpr 0); 0.25 is as near fpr 0
  // as fpr .5 and the later point wins, fpr .5 with tpr .5 and 1 → 1; 0.4 → fpr .5 → 1; 0.9 → fpr 1 → 1.
  t.deepEqual(r.tarAtFar, { '2e-1': 0, '2.5e-1': 1, '4e-1': 1, '9e-1': 1 });
  // Two impostor pairs: FAR 0.5 is one pair, so 0.2, 0.25 and 0.4 are below the resolution.
  t.deepEqual(r.resolvable, { '2e-1': false, '2.5e-1': false, '4e-1': false, '9e-1': true });
  t.deepEqual(r.counts, { images: 6, templates: 3, pairs: 4, genuine: 2, impostor: 2 });
});

// Agreement with eval_ijbc.py end to end (pooling, scores, ROC, TAR): test/protocols-cli.test.ts on the reference fixtures.

test('bad input: a pair naming a template with no images, NaN features, one class only', async (t) => {
  await t.throwsAsync(evaluateIjbc(pool, { features, images, pairs: pairs([[1, 2, 1], [1, 9, 0]]), progress: 'quiet' }), {
    message: 'pairs.txt:2: template 9 has no images in the template/media list',
  });
  const nan = matrix([[2, 0], [0, NaN], [1, 0], [0, 3], [3, 0], [-1, 0]]);
  await t.throwsAsync(evaluateIjbc(pool, { features: nan, images, pairs: pairs([[1, 2, 1], [1, 3, 0]]), progress: 'quiet' }), {
    message: /key '1\.jpg': feature has a NaN/,
  });
  await t.throwsAsync(evaluateIjbc(pool, { features, images, pairs: pairs([[1, 2, 0], [1, 3, 0]]), progress: 'quiet' }), { message: /0 genuine and 2 impostor/ });
});
