import test from 'ava';
import { createScoringPool, type ScoringPool } from '../harness/scoring/pool.js';
import { scanGallery } from '../harness/scoring/gallery-scan.js';
import { sortInPool } from '../harness/scoring/parallel-sort.js';
import { scorePairs } from '../harness/scoring/pair-scoring.js';
import { similarityMatrix } from '../harness/scoring/similarity-matrix.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import { emptyRowTopK, insertRowTopK, LargestK, mergeRowTopK } from '../harness/scoring/top-k.js';

let pool: ScoringPool;
test.before(() => {
  pool = createScoringPool(2);
});
test.after.always(() => pool.close());

function source(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
}

test('LargestK keeps exactly the K largest of a stream, ties included', (t) => {
  const rand = source(3);
  const values = Array.from({ length: 20000 }, () => Math.round(rand() * 2000) / 1000);
  const k = 777;
  const largest = new LargestK(k);
  for (const v of values) largest.push(v);
  const expected = Float32Array.from(values).sort().reverse().slice(0, k);
  t.deepEqual(Array.from(largest.descending()), Array.from(expected));
});

test('row top-R insert and merge give each row its R largest, descending', (t) => {
  const rand = source(5);
  const rows = 7;
  const ranks = 4;
  const a = emptyRowTopK(rows, ranks);
  const b = emptyRowTopK(rows, ranks);
  const all: number[][] = Array.from({ length: rows }, () => []);
  for (let i = 0; i < 300; i++) {
    const row = i % rows;
    const v = Math.fround(rand());
    all[row].push(v);
    insertRowTopK(i % 2 ? a : b, row, ranks, v);
  }
  mergeRowTopK(a, b, ranks);
  for (let row = 0; row < rows; row++) {
    t.deepEqual(Array.from(a.subarray(row * ranks, (row + 1) * ranks)), all[row].sort((x, y) => y - x).slice(0, ranks));
  }
});

test('gallery scan (ORT GEMM tiles, shards, checkpoints, tail) matches a plain-TS brute force', async (t) => {
  // More than one 1024 × 1024 tile in both directions, so tile offsets are exercised.
  const rand = source(11);
  const probes = 1100;
  const gallery = 2300;
  const dim = 24;
  const ranks = 3;
  const unit = (rows: number) => {
    const out = sharedFloat32(rows * dim);
    for (let r = 0; r < rows; r++) {
      const v = Array.from({ length: dim }, rand);
      const n = Math.hypot(...v);
      v.forEach((x, d) => (out[r * dim + d] = x / n));
    }
    return out;
  };
  const p = unit(probes);
  const g = sharedFloat32(gallery * dim);
  const raw = unit(gallery);
  for (let i = 0; i < raw.length; i++) g[i] = raw[i] * (1 + (Math.floor(i / dim) % 5)); // rows of varied norm: workers must normalise
  const zeroed = new Uint8Array(new SharedArrayBuffer(gallery));
  zeroed[17] = 1;
  const columns = sharedInt32(gallery);
  for (let i = 0; i < gallery; i++) columns[i] = (i * 7) % gallery;
  const tailK = 50;
  const result = await scanGallery(pool, {
    probes: p,
    probeCount: probes,
    dim,
    gallery: g,
    noiseRows: zeroed,
    describeRow: (r) => `row ${r}`,
    passes: [{ columns, checkpoints: [{ size: 5, end: 5 }, { size: 1500, end: 1500 }, { size: gallery, end: gallery }], tail: true }],
    ranks,
    tailK,
  });
  const score = (pr: number, gr: number) => {
    if (gr === 17) return 0;
    let s = 0;
    for (let d = 0; d < dim; d++) s += p[pr * dim + d] * raw[gr * dim + d];
    return s;
  };
  let worst = 0;
  const tail: number[] = [];
  for (const size of [5, 1500, gallery]) {
    const top = result.topBySize.get(size)!;
    for (let pr = 0; pr < probes; pr += 37) {
      const ref = Array.from(columns.subarray(0, size), (gr) => score(pr, gr)).sort((x, y) => y - x);
      for (let r = 0; r < ranks; r++) worst = Math.max(worst, Math.abs(top[pr * ranks + r] - ref[r]));
    }
  }
  for (let pr = 0; pr < probes; pr++) for (let gr = 0; gr < gallery; gr++) tail.push(score(pr, gr));
  tail.sort((x, y) => y - x);
  t.true(worst < 1e-5, `top-R off by ${worst}`);
  t.is(result.tail.length, tailK);
  for (let k = 0; k < tailK; k++) t.true(Math.abs(result.tail[k] - tail[k]) < 1e-5);
});

test('a NaN or zero gallery row is reported with its name', async (t) => {
  const dim = 4;
  const g = sharedFloat32(3 * dim).fill(1);
  g[dim + 2] = NaN;
  const p = sharedFloat32(dim).fill(0.5);
  const scan = (zeroRow: boolean) =>
    scanGallery(pool, {
      probes: p,
      probeCount: 1,
      dim,
      gallery: zeroRow ? sharedFloat32(3 * dim) : g,
      noiseRows: new Uint8Array(new SharedArrayBuffer(3)),
      describeRow: (r) => `key 'd${r}'`,
      passes: [{ columns: sharedInt32(3).map((_, i) => i), checkpoints: [{ size: 3, end: 3 }], tail: false }],
      ranks: 1,
      tailK: 0,
    });
  await t.throwsAsync(scan(false), { message: "key 'd1': feature has a NaN or infinite value" });
  await t.throwsAsync(scan(true), { message: "key 'd0': feature is all zeros (zero norm); cannot normalise it" });
});

test('similarity matrix, pair scores and the parallel sort agree with plain loops', async (t) => {
  const rand = source(21);
  const rows = 150;
  const dim = 9;
  const m = sharedFloat32(rows * dim);
  for (let i = 0; i < m.length; i++) m[i] = rand();
  const sim = await similarityMatrix(pool, m, rows, dim);
  const dot = (a: number, b: number) => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += m[a * dim + d] * m[b * dim + d];
    return s;
  };
  t.true(Math.abs(sim[13 * rows + 101] - dot(13, 101)) < 1e-5);
  t.true(Math.abs(sim[149 * rows + 0] - dot(149, 0)) < 1e-5);

  const f64 = sharedFloat64(rows * dim);
  f64.set(m);
  const first = sharedInt32(1000);
  const second = sharedInt32(1000);
  for (let k = 0; k < 1000; k++) {
    first[k] = (k * 13) % rows;
    second[k] = (k * 31 + 7) % rows;
  }
  const dots = await scorePairs(pool, f64, dim, first, second, 'dot');
  const dist = await scorePairs(pool, f64, dim, first, second, 'squared-distance');
  for (const k of [0, 499, 999]) {
    const a = first[k];
    const b = second[k];
    t.true(Math.abs(dots[k] - dot(a, b)) < 1e-12);
    let sq = 0;
    for (let d = 0; d < dim; d++) sq += (f64[a * dim + d] - f64[b * dim + d]) ** 2;
    t.true(Math.abs(dist[k] - sq) < 1e-12);
  }

  const values = sharedFloat64(10001);
  for (let i = 0; i < values.length; i++) values[i] = rand();
  const sorted = await sortInPool(pool, values);
  t.deepEqual(Array.from(sorted), Array.from(values).sort((x, y) => x - y));
});
