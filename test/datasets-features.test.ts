import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdOutFold, holdoutSplit } from '../harness/data/readers/fold-holdout.js';
import { openFeatureTrainSet } from '../harness/data/readers/feature-train-set.js';
import { identitySubset } from '../harness/data/readers/identity-subset.js';
import { checkDataset } from '../harness/data/registry/check.js';
import type { TrainSet } from '../harness/data/readers/train-set.js';
import { isUserError } from '../harness/core/errors.js';
import { writeFeatureSet } from '../harness/formats/feature-set.js';
import { readLfwPairs, writeLfwPairs } from '../harness/formats/lfw-pairs.js';
import { openRunTrainSet } from '../harness/training/run-train-set.js';
import { openImageFolder } from '../harness/data/readers/image-folder.js';
import { writeFeatureFixture } from './helpers/feature-fixture.js';
import { sharedDataPath } from './helpers/shared-data.js';

/** Feature rows as a training set, and LFW's image-unrestricted fold holdout over them. */
const work = () => mkdtempSync(join(tmpdir(), 'flb-features-'));

function userError(t: import('ava').ExecutionContext, fn: () => unknown, pattern: RegExp): void {
  const e = t.throws(fn);
  t.true(isUserError(e), `expected a UserError, got ${String(e)}`);
  t.regex(e!.message, pattern);
}

/** Every row's identity, read back through the set's labels. */
const identities = (set: TrainSet) => Array.from({ length: set.size }, (_, i) => set.classNames![set.labelOf(i)]!);

test('a feature set is a training set: classes are the sorted identity folders, rows come back as written, shape [1, 1, dim]', async (t) => {
  const dir = work();
  const features = join(dir, 'f.npy');
  // Rows in an order that is not the classes' order; row r holds [r, 10 r].
  const keys = ['Zoe/Zoe_0001.jpg', 'Abe/Abe_0001.jpg', 'Zoe/Zoe_0002.jpg', 'Mia/Mia_0001.jpg'];
  writeFeatureSet(features, { rows: 4, dim: 2, data: Float32Array.from([0, 0, 1, 10, 2, 20, 3, 30]), keys });
  const set = openFeatureTrainSet({ features, keys: join(dir, 'f.keys.txt') });
  t.deepEqual(set.classNames, ['Abe', 'Mia', 'Zoe']);
  t.is(set.numClasses, 3);
  t.is(set.size, 4);
  t.deepEqual(set.shape, [1, 1, 2]);
  t.deepEqual([0, 1, 2, 3].map((i) => set.labelOf(i)), [2, 0, 2, 1]);
  t.deepEqual(Array.from(await set.read([3, 0, 2])), [3, 30, 0, 0, 2, 20]);
});

test('a feature set refuses keys without an identity folder, and keys that do not match its rows', (t) => {
  const dir = work();
  const features = join(dir, 'f.npy');
  writeFeatureSet(features, { rows: 2, dim: 1, data: Float32Array.from([1, 2]), keys: ['Abe/Abe_0001.jpg', 'loose.jpg'] });
  userError(t, () => openFeatureTrainSet({ features, keys: join(dir, 'f.keys.txt') }), /f\.keys\.txt:2: key 'loose\.jpg' names no identity folder/);
  writeFileSync(join(dir, 'other.keys.txt'), 'Abe/Abe_0001.jpg\n');
  userError(t, () => openFeatureTrainSet({ features, keys: join(dir, 'other.keys.txt') }), /has 2 rows but .*other\.keys\.txt has 1 keys/);
  userError(t, () => openFeatureTrainSet({ features: join(dir, 'absent.npy'), keys: join(dir, 'f.keys.txt') }), /absent\.npy/);
});

test('holding out fold k leaves exactly the people of the other folds: none of fold k, no outsider, labels 0..C-1', async (t) => {
  const fx = writeFeatureFixture(work(), { folds: 10, outsiders: 2 });
  const full = openFeatureTrainSet({ features: fx.features, keys: fx.keys });
  const pairs = readLfwPairs(fx.pairs);
  for (const fold of [1, 4, 10]) {
    const set = holdOutFold(full, pairs, fx.pairs, fold);
    const seen = new Set(identities(set));
    const heldOut = fx.foldPeople[fold - 1]!;
    for (const name of heldOut) t.false(seen.has(name), `fold ${fold}: ${name} of the test fold is in training`);
    for (const name of fx.outsiders) t.false(seen.has(name), `fold ${fold}: ${name} is in no fold's pairs`);
    const expected = fx.foldPeople.filter((_, f) => f !== fold - 1).flat().sort();
    t.deepEqual([...seen].sort(), expected);
    t.is(set.numClasses, 18);
    t.is(set.size, 18 * fx.imagesPerPerson); // every image of those people, not only the pairs' images
    t.deepEqual(new Set(Array.from({ length: set.size }, (_, i) => set.labelOf(i))).size, 18);
    t.true(Array.from({ length: set.size }, (_, i) => set.labelOf(i)).every((l) => l >= 0 && l < 18));
  }
  // Reading through the subset gives the original rows of the same people.
  const set = holdOutFold(full, pairs, fx.pairs, 1);
  const first = await set.read([0]);
  const row = full.keys.findIndex((k) => k.startsWith(`${set.classNames![set.labelOf(0)]}/`));
  t.deepEqual(Array.from(first), Array.from(await full.read([row])));
});

test('a person named in two folds never trains when either fold is held out', (t) => {
  const dir = work();
  const path = join(dir, 'pairs.txt');
  const ref = (name: string, index: number) => ({ name, index });
  // Three folds of one matched + one mismatched pair; "Shared" appears in folds 1 and 3.
  writeLfwPairs(path, {
    folds: 3,
    pairsPerFold: 1,
    pairs: [
      { same: true, a: ref('Ann', 1), b: ref('Ann', 2) },
      { same: false, a: ref('Ann', 1), b: ref('Shared', 1) },
      { same: true, a: ref('Bob', 1), b: ref('Bob', 2) },
      { same: false, a: ref('Bob', 1), b: ref('Cat', 1) },
      { same: true, a: ref('Dan', 1), b: ref('Dan', 2) },
      { same: false, a: ref('Dan', 1), b: ref('Shared', 2) },
    ],
  });
  const pairs = readLfwPairs(path);
  t.deepEqual([...holdoutSplit(pairs, 1, path).train].sort(), ['Bob', 'Cat', 'Dan']);
  t.deepEqual([...holdoutSplit(pairs, 3, path).train].sort(), ['Ann', 'Bob', 'Cat']);
  t.deepEqual([...holdoutSplit(pairs, 2, path).train].sort(), ['Ann', 'Dan', 'Shared']);
  userError(t, () => holdoutSplit(pairs, 4, path), /pairs\.txt: fold 4 is out of range: the file has 3 folds \(1–3\)/);
  userError(t, () => holdoutSplit(pairs, 0, path), /fold 0 is out of range/);
});

test('a training set that labels by number cannot hold out identities', (t) => {
  const numbered: TrainSet = { name: 'digits', numClasses: 2, size: 2, shape: [1, 1, 1], labelOf: (i) => i, read: async () => new Float32Array(2) };
  userError(t, () => identitySubset(numbered, () => true, 'a test'), /training set digits: its format labels images by number/);
});

test('a run definition with a held-out fold opens its training set through the registry, without that fold', async (t) => {
  const fx = writeFeatureFixture(work(), { folds: 10 });
  const set = await openRunTrainSet({ dataset: 'lfw-faceapi-256', holdout: { dataset: 'lfw-faceapi-256-pairs', fold: 2 } }, { dataRoot: fx.root, progress: 'quiet' });
  const seen = new Set(identities(set));
  t.false(seen.has('F1a') || seen.has('F1b'));
  t.is(seen.size, 18);
  const whole = await openRunTrainSet({ dataset: 'lfw-faceapi-256' }, { dataRoot: fx.root, progress: 'quiet' });
  t.is(whole.numClasses, 22); // 20 fold people and 2 outsiders: no holdout, no restriction
  const error = await t.throwsAsync(openRunTrainSet({ dataset: 'lfw-faceapi-256', holdout: { dataset: 'lfw-faceapi-256-pairs', fold: 11 } }, { dataRoot: fx.root }));
  t.regex(error!.message, /fold 11 is out of range: the file has 10 folds/);
});

test('flb datasets check counts a feature set and finds pair images without a row', async (t) => {
  const fx = writeFeatureFixture(work(), { folds: 10, outsiders: 1 });
  const train = await checkDataset('lfw-faceapi-256', { dataRoot: fx.root });
  t.is(train.counts.images!.found, 21 * 4);
  t.is(train.counts.identities!.found, 21);
  const pairs = await checkDataset('lfw-faceapi-256-pairs', { dataRoot: fx.root });
  t.is(pairs.counts.pairs!.found, 40);
  t.false(pairs.problems.some((p) => /no row/.test(p)), pairs.problems.join('\n'));
  // A keys file that lacks a pair image.
  const keys = readKeysText(fx.keys).filter((k) => k !== 'F0a/F0a_0002.jpg');
  writeFileSync(join(fx.root, 'lfw', 'faceapi-resnet-256.keys.txt'), keys.map((k) => `${k}\n`).join(''));
  const broken = await checkDataset('lfw-faceapi-256-pairs', { dataRoot: fx.root });
  t.true(broken.problems.some((p) => /has 84 rows but .* has 83 keys/.test(p)), broken.problems.join('\n'));
  t.true(broken.problems.some((p) => /1 images named in .*pairs\.txt have no row .*F0a\/F0a_0002\.jpg/.test(p)), broken.problems.join('\n'));
});

const REAL_LFW = sharedDataPath('lfw');
const realTest = existsSync(join(REAL_LFW, 'pairs.txt')) ? test : test.skip;
if (!existsSync(join(REAL_LFW, 'pairs.txt'))) console.log(`datasets-features: real-LFW fold test skipped (no ${join(REAL_LFW, 'pairs.txt')}; the shared data folder is absent)`);

realTest('real LFW: View 2 folds are identity-disjoint, and holding out fold 1 leaves 3,846 people with 10,503 images', async (t) => {
  const path = join(REAL_LFW, 'pairs.txt');
  const pairs = readLfwPairs(path);
  // Counted independently (a Python pass over pairs.txt and the image folders).
  const people = [435, 409, 397, 423, 422, 419, 443, 443, 439, 451];
  t.deepEqual(people.map((_, f) => holdoutSplit(pairs, f + 1, path).test.size), people);
  for (let f = 1; f <= 10; f++) t.is(holdoutSplit(pairs, f, path).train.size, 4281 - people[f - 1]!, `fold ${f}`);
  const images = await openImageFolder(join(REAL_LFW, 'lfw-deepfunneled'), { size: [8, 8], channels: 1 });
  const set = holdOutFold(images, pairs, path, 1);
  t.is(set.numClasses, 3846);
  t.is(set.size, 10503);
  const heldOut = holdoutSplit(pairs, 1, path).test;
  t.false(identities(set).some((name) => heldOut.has(name)));
});

function readKeysText(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}
