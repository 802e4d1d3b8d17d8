import test from 'ava';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import { evaluateIjbc, type IjbcInput, type TemplatePairs } from '../protocols/evaluate-ijbc.js';
import type { FeatureMatrix } from '../protocols/feature-matrix.js';
import { poolTemplates, type TemplateImage } from '../protocols/ijbc-templates.js';
import { referenceRoc, referenceTarAtFar } from './helpers/reference-roc.js';

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
  const input: IjbcInput = { features, images, pairs: pairs([[1, 2, 1], [1, 3, 0], [2, 3, 0], [3, 1, 1]]), farTargets: [0.4, 0.6, 0.9], progress: 'quiet' };
  const r = await evaluateIjbc(pool, input);
  // Points (fps, tps): (0,0) (1,1) at 2/√5, (1,2) at 1/√5, (2,2) at 0 → fpr [0,.5,.5,1], tpr [0,.5,1,1].
  t.deepEqual(r.roc, { fpr: [0, 0.5, 0.5, 1], tpr: [0, 0.5, 1, 1] });
  t.is(r.auc, 0.625);
  // 0.4 and 0.6 are nearest fpr .5, whose first point has tpr .5; 0.9 is nearest fpr 1.
  t.deepEqual(r.tarAtFar, { '4e-1': 0.5, '6e-1': 0.5, '9e-1': 1 });
  t.deepEqual(r.counts, { images: 6, templates: 3, pairs: 4, genuine: 2, impostor: 2 });
});

test('pool agrees with a brute force on a random IJB-C-like set (faceness on)', async (t) => {
  let s = 77;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
  const dim = 8;
  const subjects = 30;
  const centres = Array.from({ length: subjects }, () => Array.from({ length: dim }, rand));
  const rows: number[][] = [];
  const imgs: TemplateImage[] = [];
  const subjectOf = (template: number) => template % subjects;
  for (let template = 0; template < 120; template++) {
    const media = 1 + (template % 3);
    for (let m = 0; m < media; m++) {
      for (let k = 0; k < 1 + ((template + m) % 3); k++) {
        imgs.push({ row: rows.length, template: 1000 + template, media: template * 10 + m });
        rows.push(centres[subjectOf(template)].map((c) => c + 0.8 * rand()));
      }
    }
  }
  const face = Float64Array.from(imgs, () => 0.5 + rand());
  const list: Array<[number, number, number]> = [];
  for (let a = 0; a < 120; a++) {
    for (let b = a + 1; b < 120; b++) {
      const same = subjectOf(a) === subjectOf(b);
      if (same || (a + b) % 4 === 0) list.push([1000 + a, 1000 + b, same ? 1 : 0]);
    }
  }
  const r = await evaluateIjbc(pool, { features: matrix(rows), images: imgs, faceness: face, pairs: pairs(list), progress: 'quiet' });

  // Brute force: group by template then media with Maps, in float64.
  const templateFeature = new Map<number, number[]>();
  for (const template of new Set(imgs.map((i) => i.template))) {
    const byMedia = new Map<number, number[][]>();
    imgs.forEach((img, k) => {
      if (img.template !== template) return;
      const f = rows[img.row].map((x) => x * face[k]);
      byMedia.set(img.media, [...(byMedia.get(img.media) ?? []), f]);
    });
    const sum = Array(dim).fill(0);
    for (const fs of byMedia.values()) fs.forEach((f) => f.forEach((x, d) => (sum[d] += x / fs.length)));
    const n = Math.hypot(...sum);
    templateFeature.set(template, sum.map((x) => x / n));
  }
  const score = (a: number, b: number) => templateFeature.get(a)!.reduce((acc, x, d) => acc + x * templateFeature.get(b)![d], 0);
  const genuine = list.filter((p) => p[2] === 1).map((p) => score(p[0], p[1]));
  const impostor = list.filter((p) => p[2] === 0).map((p) => score(p[0], p[1]));
  const ref = referenceRoc(genuine, impostor);
  t.is(r.counts.genuine, genuine.length);
  t.true(ref.fpr.length <= 1000);
  t.is(r.roc.fpr.length, ref.fpr.length);
  // Summation order differs (float64 rounding), so compare rates with a tolerance far below one pair.
  r.roc.tpr.forEach((v, k) => t.true(Math.abs(v - ref.tpr[k]) < 1e-9));
  for (const far of [1e-3, 1e-2, 1e-1]) t.true(Math.abs(r.tarAtFar[far.toExponential()] - referenceTarAtFar(ref, far)) < 1e-9);
  t.true(r.tarAtFar['1e-1'] > 0.2 && r.tarAtFar['1e-1'] < 1);
});

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
