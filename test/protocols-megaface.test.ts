import test from 'ava';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import { evaluateMegaface, type MegafaceInput } from '../protocols/evaluate-megaface.js';
import type { FeatureMatrix } from '../protocols/feature-matrix.js';
import { noisyIndices } from '../protocols/megaface-noise.js';
import type { ProbeEntry } from '../protocols/megaface-probes.js';

let pool: ScoringPool;
test.before(() => {
  pool = createScoringPool(2);
});
test.after.always(() => pool.close());

function matrix(rows: number[][]): FeatureMatrix {
  const dim = rows[0].length;
  return { data: Float32Array.from(rows.flat()), rows: rows.length, dim, describe: (r) => `row ${r}` };
}

function input(over: Partial<MegafaceInput> & Pick<MegafaceInput, 'probeFeatures' | 'probeEntries' | 'distractorFeatures' | 'lists'>): MegafaceInput {
  return { probeListName: 'probes.json', noiseDistractorRows: new Set(), ranks: 2, progress: 'quiet', ...over };
}

// Unit vectors in 2-D. Identity A: a1, a2, a3; identity B: b1, b2. Distractors d1, d2, d3.
const probes = matrix([[1, 0], [0.8, 0.6], [0.6, 0.8], [0, 1], [-0.6, 0.8]]);
const entries: ProbeEntry[] = ['A', 'A', 'A', 'B', 'B'].map((identity, row) => ({ row, identity, noise: false }));
const distractors = matrix([[0.96, 0.28], [-1, 0], [0, -1]]);

test('hand-worked MegaFace case: CMC per size, TAR from the impostor tail', async (t) => {
  const r = await evaluateMegaface(
    pool,
    input({
      probeFeatures: probes,
      probeEntries: entries,
      distractorFeatures: distractors,
      lists: [
        { size: 1, rows: Int32Array.from([1]), name: 'list_1' },
        { size: 3, rows: Int32Array.from([1, 0, 2]), name: 'list_3' },
      ],
      farTargets: [1 / 15, 0.2],
    }),
  );
  // Gallery {d2}: every trial beats d2 → rank-1 = 1. Gallery {d1,d2,d3}: only a2↔a3 and b1↔b2 beat their
  // best distractor (a2: .936, a3: .8, b1: .28, b2: .6; a1's trials .8/.6 lose to .96) → 4 of 8; all 8 by rank 2.
  t.deepEqual(r.counts, { probes: 5, identities: 2, trials: 8, distractors: { '1': 1, '3': 3 }, impostorPairs: 15 });
  t.is(r.identification['1'], 1);
  t.is(r.identification['3'], 0.5);
  t.deepEqual(r.cmc['3'], [0.5, 1]);
  // 15 impostor scores, largest .96, .936, .8, .6, …; genuine .8 .6 .96 .8.
  // FAR 1/15 → k = ⌊1 + 1e-9⌋ = 1, t = .936 → {.96} = 1/4; FAR .2 → k = 3, t = .6 → {.8, .96, .8} = 3/4.
  t.deepEqual(r.verification, { 'tarAtFar6.666666666666667e-2': 0.25, 'tarAtFar2e-1': 0.75 });
});

test('noise: a listed distractor ranks below every clean one (remove_noises.py), a listed probe becomes its identity centre', async (t) => {
  // Identity C: c1 = (1, 0), c2 = (−0.6, −0.8); distractors n = (0.6, 0.8), noise-listed, and e = (0, 1).
  // remove_noises.py appends a dimension (0 for clean features, 100 for n) and the devkit ranks by L2 distance:
  // c1: e at d² = 2, the genuine c2 at 3.2, n at 0.8 + 100² → the genuine match is rank 2.
  // c2: the genuine c1 at 3.2, e at 3.6, n at 4 + 100² → rank 1. CMC = [1/2, 1].
  // (Scored as a zero vector instead, n would sit at cosine 0 above both genuine cosines of −0.6: [0, 1/2].)
  const cProbes = matrix([[1, 0], [-0.6, -0.8]]);
  const cEntries: ProbeEntry[] = [0, 1].map((row) => ({ row, identity: 'C', noise: false }));
  const r = await evaluateMegaface(
    pool,
    input({ probeFeatures: cProbes, probeEntries: cEntries, distractorFeatures: matrix([[0.6, 0.8], [0, 1]]), lists: [{ size: 2, rows: Int32Array.from([0, 1]), name: 'l' }], noiseDistractorRows: new Set([0]) }),
  );
  t.deepEqual(r.cmc['2'], [0.5, 1]);
  // a1 listed as noise: replaced by normalise(a2 + a3) = (0.7071, 0.7071); d1·that = .8768, a2·that = .9899,
  // a3·that = .9899 → a1 as probe: both trials hit at rank 1; a2→a1 (.9899 ≥ .936) and a3→a1 (.9899 ≥ .8) hit too.
  const centred = await evaluateMegaface(
    pool,
    input({
      probeFeatures: probes,
      probeEntries: entries.map((e) => ({ ...e, noise: e.row === 0 })),
      distractorFeatures: distractors,
      lists: [{ size: 3, rows: Int32Array.from([0, 1, 2]), name: 'l' }],
    }),
  );
  t.is(centred.identification['3'], 1);
});

test('noise list entries match list paths by trailing components', (t) => {
  const paths = ['Aaron_Eckhart/Aaron_Eckhart_136.png', 'Aaron_Eckhart/Aaron_Eckhart_13.png', '375/37531198@N00/4174611825_0.jpg', 'x/375/37531198@N00/4174611825_0.jpg'];
  t.deepEqual([...noisyIndices(paths, ['Aaron_Eckhart_136.png', '375/37531198@N00/4174611825_0.jpg'])], [0, 2, 3]);
});

/** Deterministic pseudo-random numbers in [−0.5, 0.5). */
function source(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
}

interface RandomSet {
  probeRows: number[][];
  ids: string[];
  distractorRows: number[][];
}

function randomSet(seed: number): RandomSet {
  const rand = source(seed);
  const dim = 12;
  const identities = 9;
  const centres = Array.from({ length: identities }, () => Array.from({ length: dim }, rand));
  const ids: string[] = [];
  const probeRows: number[][] = [];
  for (let i = 0; i < identities; i++) {
    for (let k = 0; k < 3 + (i % 4); k++) {
      ids.push(`id${i}`);
      probeRows.push(centres[i].map((c) => c + 0.45 * rand()));
    }
  }
  const distractorRows = Array.from({ length: 400 }, () => Array.from({ length: dim }, rand));
  return { probeRows, ids, distractorRows };
}

/**
 * MegaFace the way the devkit scores insightface's cleaned features, in float64: every feature gets one more
 * dimension (0, or 100 for a noise-listed distractor, as remove_noises.py writes them), and the gallery is ranked by
 * L2 distance; noise probes become their identity's normalised clean sum. Full distance matrix, sorted, counted.
 */
function bruteMegaface(set: RandomSet, lists: number[][], noiseProbes: Set<number>, noiseDistractors: Set<number>, ranks: number, fars: number[]) {
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const probes = set.probeRows.map(unit);
  for (const p of noiseProbes) {
    const clean = probes.filter((_, q) => set.ids[q] === set.ids[p] && !noiseProbes.has(q));
    probes[p] = unit(clean.reduce((acc, v) => acc.map((x, d) => x + v[d]), Array(probes[p].length).fill(0)));
  }
  const extended = (v: number[], extra: number) => [...v, extra];
  const probesX = probes.map((p) => extended(p, 0));
  const distractorsX = set.distractorRows.map((v, r) => extended(unit(v), noiseDistractors.has(r) ? 100 : 0));
  const distance2 = (a: number[], b: number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
  const identification: Record<string, number[]> = {};
  for (const list of lists) {
    const hits = Array(ranks).fill(0);
    let trials = 0;
    probesX.forEach((pj, j) => {
      const ds = list.map((r) => distance2(pj, distractorsX[r])).sort((a, b) => a - b);
      probesX.forEach((pi, i) => {
        if (i === j || set.ids[i] !== set.ids[j]) return;
        trials++;
        const d = distance2(pj, pi);
        for (let r = 0; r < ranks; r++) if (d <= (ds[r] ?? Infinity)) hits[r]++;
      });
    });
    identification[String(list.length)] = hits.map((h) => h / trials);
  }
  const largest = lists[lists.length - 1];
  const impostor = probesX.flatMap((p) => largest.map((r) => distance2(p, distractorsX[r]))).sort((a, b) => a - b);
  const genuine: number[] = [];
  probesX.forEach((pi, i) => probesX.forEach((pj, j) => j > i && set.ids[i] === set.ids[j] && genuine.push(distance2(pi, pj))));
  const tar = fars.map((far) => {
    const k = Math.floor(far * impostor.length + 1e-9);
    return genuine.filter((g) => g < impostor[k]).length / genuine.length;
  });
  return { identification, tar };
}

function toInput(set: RandomSet, lists: number[][], noiseProbes: Set<number>, noiseDistractors: Set<number>): MegafaceInput {
  return input({
    probeFeatures: matrix(set.probeRows),
    probeEntries: set.ids.map((identity, row) => ({ row, identity, noise: noiseProbes.has(row) })),
    distractorFeatures: matrix(set.distractorRows),
    lists: lists.map((rows) => ({ size: rows.length, rows: Int32Array.from(rows), name: `list_${rows.length}` })),
    noiseDistractorRows: noiseDistractors,
    ranks: 5,
    farTargets: [1e-3, 1e-2, 1e-1],
  });
}

for (const nested of [true, false]) {
  test(`pool agrees with a brute force on a random set (${nested ? 'nested' : 'unrelated'} lists, noise on)`, async (t) => {
    const set = randomSet(nested ? 17 : 23);
    const order = Array.from({ length: 400 }, (_, k) => (k * 37) % 400);
    const lists = nested ? [order.slice(0, 10), order.slice(0, 60), order.slice(0, 400)] : [order.slice(100, 110), order.slice(0, 60), order.slice(0, 400)];
    const noiseProbes = new Set([0, 7]);
    const noiseDistractors = new Set([order[3], order[200]]);
    const ours = await evaluateMegaface(pool, toInput(set, lists, noiseProbes, noiseDistractors));
    const ref = bruteMegaface(set, lists, noiseProbes, noiseDistractors, 5, [1e-3, 1e-2, 1e-1]);
    for (const [size, rates] of Object.entries(ref.identification)) {
      t.deepEqual(ours.cmc[size], rates, `CMC at size ${size}`);
    }
    t.deepEqual(Object.values(ours.verification), ref.tar);
    // Invariant: rank-1 never rises with more distractors.
    const rank1 = Object.keys(ours.identification).map(Number).sort((a, b) => a - b).map((s) => ours.identification[String(s)]);
    for (let k = 1; k < rank1.length; k++) t.true(rank1[k] <= rank1[k - 1]);
    t.true(rank1[rank1.length - 1] < 1 && rank1[0] > 0);
  });
}

test('permuting feature rows (and the keys that name them) changes nothing', async (t) => {
  const set = randomSet(31);
  const lists = [Array.from({ length: 50 }, (_, k) => k), Array.from({ length: 400 }, (_, k) => k)];
  const base = await evaluateMegaface(pool, toInput(set, lists, new Set(), new Set()));
  const probePerm = set.probeRows.map((_, k) => (k * 5 + 3) % set.probeRows.length);
  const distractorPerm = set.distractorRows.map((_, k) => (k * 13 + 7) % 400);
  // Row k of the permuted files holds old row perm[k]; entries and lists follow their keys to the new rows.
  const newRowOfProbe = new Map(probePerm.map((old, k) => [old, k]));
  const newRowOfDistractor = new Map(distractorPerm.map((old, k) => [old, k]));
  const permuted = toInput({ probeRows: probePerm.map((o) => set.probeRows[o]), ids: set.ids, distractorRows: distractorPerm.map((o) => set.distractorRows[o]) }, lists, new Set(), new Set());
  permuted.probeEntries = set.ids.map((identity, k) => ({ row: newRowOfProbe.get(k)!, identity, noise: false }));
  permuted.lists = lists.map((rows) => ({ size: rows.length, rows: Int32Array.from(rows, (r) => newRowOfDistractor.get(r)!), name: 'l' }));
  t.deepEqual(await evaluateMegaface(pool, permuted), base);
});

test('bad input: an identity with one image, a zero-norm distractor, a NaN probe, a list naming a row twice', async (t) => {
  const one = entries.map((e) => (e.row === 4 ? { ...e, identity: 'C' } : e));
  await t.throwsAsync(evaluateMegaface(pool, input({ probeFeatures: probes, probeEntries: one, distractorFeatures: distractors, lists: [{ size: 3, rows: Int32Array.from([0, 1, 2]), name: 'l' }] })), {
    message: /probes\.json: identity 'B' has only one image/,
  });
  const zero = matrix([[0.96, 0.28], [0, 0], [0, -1]]);
  await t.throwsAsync(evaluateMegaface(pool, input({ probeFeatures: probes, probeEntries: entries, distractorFeatures: zero, lists: [{ size: 3, rows: Int32Array.from([0, 1, 2]), name: 'l' }] })), {
    message: /row 1: feature is all zeros/,
  });
  const nan = matrix([[1, 0], [NaN, 0.6], [0.6, 0.8], [0, 1], [-0.6, 0.8]]);
  await t.throwsAsync(evaluateMegaface(pool, input({ probeFeatures: nan, probeEntries: entries, distractorFeatures: distractors, lists: [{ size: 3, rows: Int32Array.from([0, 1, 2]), name: 'l' }] })), {
    message: /row 1: feature has a NaN/,
  });
  await t.throwsAsync(evaluateMegaface(pool, input({ probeFeatures: probes, probeEntries: entries, distractorFeatures: distractors, lists: [{ size: 3, rows: Int32Array.from([0, 1, 1]), name: 'list_3' }] })), {
    message: /list_3: distractor row 1 is listed twice/,
  });
  const wide = matrix([[1, 0, 0]]);
  await t.throwsAsync(evaluateMegaface(pool, input({ probeFeatures: probes, probeEntries: entries, distractorFeatures: wide, lists: [{ size: 1, rows: Int32Array.from([0]), name: 'l' }] })), {
    message: /probe features are 2-d but distractor features are 3-d/,
  });
});
