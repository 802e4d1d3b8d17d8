import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { UserError } from '../harness/core/errors.js';
import { planSplits } from '../harness/data/synthetic/make.js';
import { checkDataset } from '../harness/data/registry/check.js';
import { DEFAULT_REGISTRY_FILE, loadRegistry, openTrainSet, resolveDataRoot, resolveDataset } from '../harness/data/registry/registry.js';
import { SHARED_DATA } from './helpers/shared-data.js';

const work = mkdtempSync(join(tmpdir(), 'flb-registry-'));
let written = 0;

/** Writes a registry file and returns its path (a new name each time: loadRegistry caches per file). */
function registryFile(json: unknown): string {
  const path = join(work, `datasets-${written++}.json`);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

const tinyRecipe = {
  kind: 'synthetic-faces',
  location: 'gen',
  faces: { seed: 3, size: 32, channels: 1, identitySpread: 1, nuisance: 0.8 },
  splits: {
    train: { identities: 4, imagesPerIdentity: 3 },
    lfw: { folds: 2, identitiesPerFold: 3, imagesPerIdentity: 3, matchedPerFold: 4, mismatchedPerFold: 4 },
  },
};

const testRegistry = {
  generators: { gen: tinyRecipe },
  datasets: [
    { name: 'gen', role: 'train', format: 'image-folder', location: 'gen/train', files: { images: '.' }, generator: 'gen', input: { size: 32, channels: 1 }, expected: { images: 12, identities: 4 } },
    { name: 'gen-lfw', role: 'lfw', format: 'lfw-pairs', location: 'gen/lfw', files: { images: 'images', pairs: 'pairs.txt' }, generator: 'gen', expected: { identities: 6, pairs: 16 } },
    { name: 'digits', role: 'train', format: 'idx', location: 'digits', files: { images: ['a.gz', 'a'], labels: 'l' }, input: { size: 28, channels: 1 }, hint: 'get the digits from the digit shop' },
    { name: 'faces-real', role: 'lfw', format: 'lfw-pairs', location: 'real', files: { images: 'imgs', pairs: 'pairs.txt' }, hint: 'download from the LFW site' },
  ],
};

const entry = (overrides: Record<string, unknown>) => ({ ...testRegistry.datasets[3], ...overrides });

test('the shipped datasets.json is valid, and its expected counts agree with what the recipes generate', (t) => {
  const registry = loadRegistry(DEFAULT_REGISTRY_FILE);
  const names = registry.datasets.map((d) => d.name);
  for (const required of ['synth-tiny', 'synth-faces', 'casia-webface', 'ms1m', 'lfw', 'lfw-bin', 'megaface', 'ijbc', 'mnist']) t.true(names.includes(required), required);
  for (const d of registry.datasets) {
    if (!d.generator) {
      t.truthy(d.hint, `${d.name} says how to obtain it`);
      continue;
    }
    const recipe = registry.generators[d.generator]!;
    const split = d.location.slice(recipe.location.length + 1);
    const plan = planSplits(recipe).find((p) => p.folder === split);
    t.truthy(plan, `${d.name}: ${d.location} is one of the recipe's splits`);
    for (const [key, value] of Object.entries(d.expected ?? {})) t.is(plan!.counts[key], value, `${d.name}: expected ${key}`);
  }
  const tiny = registry.datasets.find((d) => d.name === 'synth-tiny')!;
  t.deepEqual(tiny.input, { size: 32, channels: 1 });
  t.is(tiny.defaultBackbone, 'mlp');
});

test('the synthetic demo splits are identity-disjoint by construction', (t) => {
  const registry = loadRegistry(DEFAULT_REGISTRY_FILE);
  for (const recipe of Object.values(registry.generators)) {
    const ranges = planSplits(recipe).map((p) => p.identities);
    ranges.sort((a, b) => a.first - b.first);
    for (let i = 1; i < ranges.length; i++) t.true(ranges[i - 1]!.first + ranges[i - 1]!.count <= ranges[i]!.first);
  }
});

test('malformed registries are refused with the file, the entry and what was expected', (t) => {
  const cases: [unknown, RegExp][] = [
    ['{ "datasets": [ ', /not valid JSON/],
    [{ datasets: {} }, /"datasets" must be an array/],
    [{ datasets: [entry({ role: 'gallery' })] }, /datasets\[0\] \("faces-real"\)\.role: expected one of train, lfw, megaface, ijbc, ijbb, verification-bin; got "gallery"/],
    [{ datasets: [entry({ format: 'image-folder' })] }, /\.format: a lfw dataset has format lfw-pairs or lfw-features; got "image-folder"/],
    [{ datasets: [entry({ files: { images: 'imgs' } })] }, /\.files\.pairs: format lfw-pairs needs this path/],
    [{ datasets: [entry({ files: { images: 'imgs', pairs: 'p', extra: 'x' } })] }, /\.files\.extra: format lfw-pairs has no file "extra"/],
    [{ datasets: [entry({}), entry({})] }, /datasets\[1\]: duplicate dataset name "faces-real"/],
    [{ datasets: [entry({ checksums: { pairs: 'md5:abc' } })] }, /\.checksums\.pairs: expected "sha256:" followed by 64/],
    [{ datasets: [entry({ hint: undefined })] }, /needs a "hint" saying how to obtain it/],
    [{ datasets: [entry({ generator: 'nope' })] }, /\.generator: no recipe "nope"/],
    [{ datasets: [entry({ expected: { faces: 3 } })] }, /\.expected\.faces: unknown count/],
    [{ datasets: [{ ...testRegistry.datasets[2], input: undefined }] }, /\.input: a training set needs \{"size", "channels"\}/],
    [
      { datasets: [{ name: 'feats', role: 'train', format: 'features', location: 'f', files: { features: 'f.npy', keys: 'f.keys.txt' }, input: { size: 32, channels: 1 }, hint: 'h' }] },
      /\("feats"\)\.input: a features dataset is fed its feature rows as they are; remove "input"/,
    ],
    [{ datasets: [{ name: 'feats', role: 'train', format: 'features', location: 'f', files: { features: 'f.npy' }, hint: 'h' }] }, /\.files\.keys: format features needs this path/],
    [{ generators: { g: { ...tinyRecipe, faces: { ...tinyRecipe.faces, size: 500 } } }, datasets: [] }, /generators\."g"\.faces\.size: expected a number in 32\.\.112, got 500/],
    [
      { generators: { g: { ...tinyRecipe, splits: { ...tinyRecipe.splits, lfw: { ...tinyRecipe.splits.lfw, matchedPerFold: 10, mismatchedPerFold: 10 } } } }, datasets: [] },
      /3 identities of at least 3 images give only 9 distinct matched pairs per fold; matchedPerFold asks for 10/,
    ],
  ];
  for (const [json, message] of cases) {
    const file = registryFile(json);
    const error = t.throws(() => loadRegistry(file), { instanceOf: UserError, message }, String(message));
    if (error) t.true(error.message.startsWith(file), `names the file: ${error.message}`);
  }
});

test('the data root comes from the option, else FLB_DATA_ROOT, else ./data', (t) => {
  const saved = process.env.FLB_DATA_ROOT;
  try {
    process.env.FLB_DATA_ROOT = '/from/env';
    t.is(resolveDataRoot('/from/flag'), '/from/flag');
    t.is(resolveDataRoot(), '/from/env');
    delete process.env.FLB_DATA_ROOT;
    t.is(resolveDataRoot(), resolve('data'));
  } finally {
    if (saved === undefined) delete process.env.FLB_DATA_ROOT;
    else process.env.FLB_DATA_ROOT = saved;
  }
});

test('resolveDataset gives absolute paths, taking the first file alternative that exists', (t) => {
  const file = registryFile(testRegistry);
  const dataRoot = join(work, 'alt-root');
  let ds = resolveDataset('digits', { dataRoot, registryFile: file });
  t.is(ds.root, join(dataRoot, 'digits'));
  t.is(ds.paths.images, join(dataRoot, 'digits', 'a.gz'), 'nothing exists: the first alternative');
  mkdirSync(join(dataRoot, 'digits'), { recursive: true });
  writeFileSync(join(dataRoot, 'digits', 'a'), '');
  ds = resolveDataset('digits', { dataRoot, registryFile: file });
  t.is(ds.paths.images, join(dataRoot, 'digits', 'a'));
  t.is(ds.paths.labels, join(dataRoot, 'digits', 'l'));
  t.throws(() => resolveDataset('nope', { registryFile: file }), { message: /unknown dataset "nope"; datasets\.json has gen, gen-lfw, digits, faces-real/ });
});

test('openTrainSet on a dataset users bring that is absent names the missing files and how to get it', async (t) => {
  const file = registryFile(testRegistry);
  const dataRoot = join(work, 'empty-root');
  const error = await t.throwsAsync(openTrainSet('digits', { dataRoot, registryFile: file }), { instanceOf: UserError });
  t.regex(error!.message, /dataset "digits" is not available/);
  t.regex(error!.message, new RegExp(`${join(dataRoot, 'digits', 'a.gz')} \\(or a\\): missing`));
  t.regex(error!.message, /to obtain it: get the digits from the digit shop/);
});

test('openTrainSet makes a generated dataset on first use and reads it back through the image folder', async (t) => {
  const file = registryFile(testRegistry);
  const dataRoot = join(work, 'gen-root');
  const set = await openTrainSet('gen', { dataRoot, registryFile: file, progress: 'quiet' });
  t.is(set.name, 'gen');
  t.is(set.numClasses, 4);
  t.is(set.size, 12);
  t.deepEqual(set.shape, [32, 32, 1]);
  t.deepEqual([0, 1, 2, 3, 4, 5].map((i) => set.labelOf(i)), [0, 0, 0, 1, 1, 1]);
  const batch = await set.read([4]);
  const pngPath = join(dataRoot, 'gen', 'train', 'id_000001', '0002.png');
  t.is((await sharp(pngPath).metadata()).channels, 1, 'a grey PNG');
  const png = new Uint8Array(await sharp(pngPath).grayscale().raw().toBuffer());
  t.is(batch[100], (png[100]! - 127.5) / 128);
  await t.throwsAsync(openTrainSet('gen-lfw', { dataRoot, registryFile: file }), { message: /"gen-lfw" is a lfw set, not a training set; training sets: gen, digits/ });
});

test('check reports counts and checksums of a present dataset, then exactly what was removed or changed', async (t) => {
  const file = registryFile(testRegistry);
  const dataRoot = join(work, 'check-root');
  await openTrainSet('gen', { dataRoot, registryFile: file, progress: 'quiet' });
  const good = await checkDataset('gen-lfw', { dataRoot, registryFile: file });
  t.true(good.ok, good.problems.join('; '));
  t.is(good.status, 'present');
  t.deepEqual(good.counts.pairs, { found: 16, expected: 16 });
  t.deepEqual(good.counts.identities, { found: 6, expected: 6 });
  t.is(good.counts.images!.found, 18);
  t.regex(good.checksums['lfw/pairs.txt']!.expected, /^sha256:[0-9a-f]{64}$/);

  const pairsPath = join(dataRoot, 'gen', 'lfw', 'pairs.txt');
  const pairLines = readFileSync(pairsPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const key = (name: string, n: string) => `${name}/${name}_${n.padStart(4, '0')}.jpg`;
  const named = new Set(pairLines.flatMap((f) => (f.length === 3 ? [key(f[0]!, f[1]!), key(f[0]!, f[2]!)] : [key(f[0]!, f[1]!), key(f[2]!, f[3]!)])));
  const firstPair = pairLines[0]!;
  const missingKey = `${firstPair[0]}/${firstPair[0]}_000${firstPair[1]}.jpg`;
  rmSync(join(dataRoot, 'gen', 'lfw', 'images', missingKey));
  writeFileSync(pairsPath, readFileSync(pairsPath, 'utf8').replace(/\n$/, '\n\n'));
  const bad = await checkDataset('gen-lfw', { dataRoot, registryFile: file });
  t.false(bad.ok);
  t.true(bad.problems.some((p) => p.includes(`1 of ${named.size} images named in ${pairsPath} are missing`) && p.includes(missingKey)), bad.problems.join('; '));
  t.true(bad.problems.some((p) => p.startsWith(`${pairsPath}: checksum sha256:`)), bad.problems.join('; '));
});

test('check on an absent dataset users bring lists each missing file and carries the hint', async (t) => {
  const file = registryFile(testRegistry);
  const dataRoot = join(work, 'nothing-here');
  const c = await checkDataset('faces-real', { dataRoot, registryFile: file });
  t.false(c.ok);
  t.is(c.status, 'missing');
  t.deepEqual(c.problems, [`${join(dataRoot, 'real', 'imgs')}: missing (images, a folder)`, `${join(dataRoot, 'real', 'pairs.txt')}: missing (pairs, a file)`]);
  t.is(c.hint, 'download from the LFW site');
});

const sharedData = SHARED_DATA;
test('check verifies the real insightface small_lfw.bin when the shared data is present', async (t) => {
  try {
    readFileSync(join(sharedData, 'insightface', 'small_lfw.bin'));
  } catch {
    t.log(`skipped: ${sharedData} is absent on this machine`);
    t.pass();
    return;
  }
  const c = await checkDataset('insightface-small-lfw', { dataRoot: sharedData });
  t.true(c.ok, c.problems.join('; '));
  t.deepEqual(c.counts.pairs, { found: 10, expected: 10 });
  t.is(c.checksums.bin!.found, c.checksums.bin!.expected);
});
