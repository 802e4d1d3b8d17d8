import test from 'ava';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { listImageFolder, openImageFolder } from '../harness/data/readers/image-folder.js';
import { ensureSynthetic, makeSynthetic } from '../harness/data/synthetic/make.js';
import type { SyntheticRecipe } from '../harness/data/synthetic/recipe.js';
import { renderFace } from '../harness/data/synthetic/faces.js';
import { readIjbcFaceTidMid, readIjbcLandmarks, readIjbcTemplatePairs } from '../harness/formats/ijbc-meta.js';
import { readLfwPairs } from '../harness/formats/lfw-pairs.js';
import { findMegafaceLists, readFacescrubList, readMegafaceList } from '../harness/formats/megaface-lists.js';

const recipe: SyntheticRecipe = {
  kind: 'synthetic-faces',
  location: 'mini',
  faces: { seed: 9, size: 32, channels: 1, identitySpread: 1, nuisance: 0.8 },
  splits: {
    train: { identities: 5, imagesPerIdentity: 3 },
    lfw: { folds: 3, identitiesPerFold: 3, imagesPerIdentity: [2, 4], matchedPerFold: 3, mismatchedPerFold: 3 },
    megaface: { probeIdentities: 2, imagesPerProbe: 3, distractors: 25 },
    ijbc: { identities: 3, templatesPerIdentity: 2, mediaPerTemplate: [1, 2], imagesPerMedia: [1, 2] },
  },
};

const root = mkdtempSync(join(tmpdir(), 'flb-make-'));
const dir = join(root, 'mini');
const made = makeSynthetic('mini', recipe, root, { progress: 'quiet' });

const number = (name: string) => Number(/_(\d{6})/.exec(name)![1]);

async function decodeGrey(path: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(path).grayscale().raw().toBuffer());
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

test('the training split is an image folder whose PNGs are exactly the generator\'s images', async (t) => {
  const result = await made;
  t.true(result.made);
  const listing = listImageFolder(join(dir, 'train'));
  t.is(listing.classes.length, 5);
  t.is(listing.images.length, 15);
  const set = await openImageFolder(join(dir, 'train'), { size: [32, 32], channels: 1 });
  t.is(set.numClasses, 5);
  const [name, file] = listing.images[4]!.key.split('/');
  const written = await decodeGrey(join(dir, 'train', name!, file!));
  t.deepEqual(written, renderFace(recipe.faces, number(name!), Number(file!.slice(0, 4)) - 1));
});

test('the LFW split parses with the pairs.txt reader: folds, matched and mismatched halves, existing images', async (t) => {
  await made;
  const pairs = readLfwPairs(join(dir, 'lfw', 'pairs.txt'));
  t.is(pairs.folds, 3);
  t.is(pairs.pairsPerFold, 3);
  t.is(pairs.pairs.length, 18);
  const foldsOf = new Map<string, Set<number>>();
  pairs.pairs.forEach((p, i) => {
    t.is(p.same, i % 6 < 3, `pair ${i}: the first half of each fold is matched`);
    t.is(p.same, p.a.name === p.b.name);
    for (const [k, ref] of [p.a, p.b].entries()) {
      t.true(existsSync(join(dir, 'lfw', 'images', p.keys[k]!)), p.keys[k]);
      foldsOf.set(ref.name, (foldsOf.get(ref.name) ?? new Set()).add(p.fold));
    }
  });
  for (const [name, folds] of foldsOf) t.is(folds.size, 1, `${name} appears in one fold only`);
  const distinct = new Set(pairs.pairs.map((p) => p.keys.join(' ')));
  t.is(distinct.size, 18, 'no pair repeated');
  // a JPEG of the right face: close to its own render, far from another identity's
  const key = pairs.pairs[0]!.keys[0];
  const decoded = await decodeGrey(join(dir, 'lfw', 'images', key));
  const name = key.split('/')[0]!;
  const index = Number(/_(\d{4})\.jpg$/.exec(key)![1]) - 1;
  t.true(meanAbsDiff(decoded, renderFace(recipe.faces, number(name), index)) < 4);
  t.true(meanAbsDiff(decoded, renderFace(recipe.faces, number(name) + 1, index)) > 8);
});

test('the MegaFace split has the devkit lists: probes with ids, distractor lists of 10 as a prefix', async (t) => {
  await made;
  const lists = join(dir, 'megaface', 'templatelists');
  const probes = readFacescrubList(join(lists, 'facescrub_features_list.json'));
  t.is(probes.paths.length, 6);
  t.is(new Set(probes.ids).size, 2);
  for (const p of probes.paths) t.true(existsSync(join(dir, 'megaface', 'facescrub_images', p)), p);
  const found = findMegafaceLists(lists);
  t.deepEqual(found.map((l) => l.size), [10], '25 distractors give only the size-10 list');
  const ten = readMegafaceList(found[0]!.path);
  t.is(ten.length, 10);
  const all = readdirSync(join(dir, 'megaface', 'megaface_images'), { recursive: true }).filter((f) => String(f).endsWith('.png'));
  t.is(all.length, 25, 'every generated distractor is written even when no list reaches it');
  for (const p of ten) t.true(existsSync(join(dir, 'megaface', 'megaface_images', p)), p);
});

test('the IJB-C split parses with the meta readers; labels say whether two templates share an identity', async (t) => {
  await made;
  const meta = join(dir, 'ijbc', 'meta');
  const faces = readIjbcFaceTidMid(join(meta, 'ijbc_face_tid_mid.txt'));
  const templates = [...new Set(faces.map((f) => f.template))];
  t.deepEqual(templates, [1, 2, 3, 4, 5, 6]);
  for (const f of faces) t.true(existsSync(join(dir, 'ijbc', 'loose_crop', f.image)), f.image);
  const media = new Map<number, Set<number>>();
  for (const f of faces) media.set(f.media, (media.get(f.media) ?? new Set()).add(f.template));
  for (const [m, ts] of media) t.is(ts.size, 1, `media ${m} belongs to one template`);
  const pairs = readIjbcTemplatePairs(join(meta, 'ijbc_template_pair_label.txt'));
  t.is(pairs.t1.length, 15, 'every unordered pair of 6 templates');
  for (let i = 0; i < pairs.t1.length; i++) {
    // templates are numbered per identity, two each
    const same = Math.floor((pairs.t1[i]! - 1) / 2) === Math.floor((pairs.t2[i]! - 1) / 2);
    t.is(pairs.label[i], same ? 1 : 0, `pair ${pairs.t1[i]} ${pairs.t2[i]}`);
  }
  const landmarks = readIjbcLandmarks(join(meta, 'ijbc_name_5pts_score.txt'));
  t.deepEqual(landmarks.map((l) => l.image), faces.map((f) => f.image));
  for (const l of landmarks) {
    t.true(l.score > 0 && l.score <= 1);
    t.true(l.points.every(([x, y]) => x >= 0 && x < 32 && y >= 0 && y < 32));
    t.true(l.points[0][0] < l.points[1][0], 'left eye left of right eye');
  }
});

test('splits are identity-disjoint', async (t) => {
  await made;
  const train = listImageFolder(join(dir, 'train')).classes.map(number);
  const lfw = readdirSync(join(dir, 'lfw', 'images')).map(number);
  const probes = readdirSync(join(dir, 'megaface', 'facescrub_images')).map(number);
  const distractors = readdirSync(join(dir, 'megaface', 'megaface_images'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.png'))
    .map(number);
  const named = [train, lfw, probes, distractors];
  t.deepEqual(named.map((ids) => ids.length), [5, 9, 2, 25]);
  const union = new Set(named.flat());
  t.is(union.size, 5 + 9 + 2 + 25, 'no identity number in two splits');
  // IJB-C images carry no names: its first image must be the face of an identity none of the others uses
  const ijbcFirst = Math.max(...union) + 1;
  const decoded = await decodeGrey(join(dir, 'ijbc', 'loose_crop', '1.jpg'));
  t.true(meanAbsDiff(decoded, renderFace(recipe.faces, ijbcFirst, 0)) < 4);
  for (const id of [0, ...lfw.slice(0, 3), probes[0]!]) t.true(meanAbsDiff(decoded, renderFace(recipe.faces, id, 0)) > 8, `not identity ${id}`);
});

test('ensureSynthetic reuses an up-to-date copy and remakes a changed recipe', async (t) => {
  const cacheRoot = mkdtempSync(join(tmpdir(), 'flb-make-cache-'));
  const small: SyntheticRecipe = { ...recipe, location: 'small', splits: { train: { identities: 2, imagesPerIdentity: 2 }, megaface: recipe.splits.megaface } };
  t.true((await ensureSynthetic('small', small, cacheRoot, { progress: 'quiet' })).made);
  t.false((await ensureSynthetic('small', small, cacheRoot, { progress: 'quiet' })).made);
  const changed: SyntheticRecipe = { ...small, splits: { train: { identities: 3, imagesPerIdentity: 2 } } };
  const remade = await ensureSynthetic('small', changed, cacheRoot, { progress: 'quiet' });
  t.true(remade.made);
  t.is(remade.images, 6);
  t.false(existsSync(join(cacheRoot, 'small', 'megaface')), 'the old copy was replaced, not merged');
  t.deepEqual(readdirSync(cacheRoot), ['small'], 'no temporary folder or lock left');
});

test('two callers asking at once: one makes the dataset, the other waits and reuses it', async (t) => {
  const raceRoot = mkdtempSync(join(tmpdir(), 'flb-make-race-'));
  const small: SyntheticRecipe = { ...recipe, location: 'race', splits: { train: { identities: 3, imagesPerIdentity: 4 } } };
  const results = await Promise.all([1, 2].map(() => ensureSynthetic('race', small, raceRoot, { progress: 'quiet' })));
  t.deepEqual(results.map((r) => r.made).sort(), [false, true]);
  t.deepEqual(readdirSync(raceRoot), ['race']);
  t.is(listImageFolder(join(raceRoot, 'race', 'train')).images.length, 12);
});

test('a generation that fails leaves nothing behind', async (t) => {
  const failRoot = mkdtempSync(join(tmpdir(), 'flb-make-fail-'));
  const broken = { ...recipe, location: 'broken', faces: { ...recipe.faces, size: 8 } };
  await t.throwsAsync(makeSynthetic('broken', broken, failRoot, { progress: 'quiet' }), { message: /size must be an integer in 32\.\.112/ });
  t.deepEqual(readdirSync(failRoot), []);
});
