import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createBackbone, findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { initEngine } from '../harness/engine/backend-choice.js';
import { dlibResnetForward, loadDlibResnetWeights } from '../harness/face/dlib-resnet.js';
import { loadFaceApi } from '../harness/face/faceapi-nets.js';
import { readFeatureSet } from '../harness/formats/feature-set.js';
import { runCli } from './helpers/cli.js';
import { sharedDataPath } from './helpers/shared-data.js';

/**
 * End to end on a handful of real LFW images, linked (never copied into the repo) from the shared data folder.
 * Without it these tests skip: the geometry is covered by face-geometry.test.ts.
 */
const LFW = sharedDataPath('lfw', 'lfw-deepfunneled');
const present = existsSync(LFW);
const realTest = present ? test.serial : test.skip;
if (!present) console.log(`face-real-lfw: skipped (no real LFW at ${LFW}; the shared data folder is absent)`);

const people = ['George_W_Bush', 'Colin_Powell'];
const dataRoot = mkdtempSync(join(tmpdir(), 'flb-face-data-'));
const alignedRoot = mkdtempSync(join(tmpdir(), 'flb-face-aligned-'));

test.before(async () => {
  if (!present) return;
  for (const name of people) {
    mkdirSync(join(dataRoot, 'lfw', 'lfw-deepfunneled', name), { recursive: true });
    for (const i of ['0001', '0002']) symlinkSync(join(LFW, name, `${name}_${i}.jpg`), join(dataRoot, 'lfw', 'lfw-deepfunneled', name, `${name}_${i}.jpg`));
  }
  // A flat grey image holds no face: it must fall back to a centre crop, and be counted.
  mkdirSync(join(dataRoot, 'lfw', 'lfw-deepfunneled', 'Nobody'), { recursive: true });
  await sharp({ create: { width: 250, height: 250, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg()
    .toFile(join(dataRoot, 'lfw', 'lfw-deepfunneled', 'Nobody', 'Nobody_0001.jpg'));
  // 2 folds × (1 matched + 1 mismatched).
  writeFileSync(
    join(dataRoot, 'lfw', 'pairs.txt'),
    '2\t1\nGeorge_W_Bush\t1\t2\nGeorge_W_Bush\t1\tColin_Powell\t1\nColin_Powell\t1\t2\nColin_Powell\t2\tNobody\t1\n',
  );
});

const cos = (a: Float32Array, b: Float32Array) => {
  let d = 0, na = 0, nb = 0; // prettier-ignore
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
};

realTest('flb align finds the four real faces, counts the blank image as a fallback, and caches', async (t) => {
  const out = join(alignedRoot, 'lfw');
  const args = ['align', '--dataset', 'lfw', '--data-root', dataRoot, '--out', out, '--json', '--quiet'];
  const first = await runCli(args);
  t.is(first.code, 0, first.stderr);
  const result = JSON.parse(first.stdout) as { aligned: number; summary: { images: number; fallbacks: number; fallbackKeys: string[]; detected: Record<string, number> } };
  t.is(result.aligned, 5);
  t.is(result.summary.images, 5);
  t.deepEqual(result.summary.fallbackKeys, ['Nobody/Nobody_0001.jpg']);
  t.is(Object.values(result.summary.detected).reduce((a, b) => a + b, 0), 4);
  const meta = await sharp(join(out, 'lfw-deepfunneled', 'Colin_Powell', 'Colin_Powell_0002.jpg')).metadata();
  t.deepEqual([meta.width, meta.height], [150, 150]);
  t.is(readFileSync(join(out, 'pairs.txt'), 'utf8'), readFileSync(join(dataRoot, 'lfw', 'pairs.txt'), 'utf8'));
  // Eye centres of a deep-funneled (already roughly aligned) face lie left and right of the middle, level.
  const records = readFileSync(join(out, 'align-records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { key: string; points?: number[][] });
  const bush = records.find((r) => r.key === 'George_W_Bush/George_W_Bush_0001.jpg')!.points!;
  t.true(bush[0]![0]! < 125 && bush[1]![0]! > 125 && Math.abs(bush[0]![1]! - bush[1]![1]!) < 15, JSON.stringify(bush));

  const again = await runCli(args);
  t.is((JSON.parse(again.stdout) as { aligned: number }).aligned, 0, 'second run comes from the cache');
  const other = await runCli(['align', '--dataset', 'lfw', '--data-root', dataRoot, '--out', out, '--template', 'arcface112', '--quiet']);
  t.is(other.code, 2);
  t.regex(other.stderr, /align-settings\.json: .* holds lfw aligned with template dlib150 .*choose another --out/);
});

realTest('flb embed --pretrained on the aligned set: same person closer than different people; flip rows are sums', async (t) => {
  const out = join(alignedRoot, 'f.npy');
  // A five-image stand-in for LFW with its own pairs.txt: not the files datasets.json's checksums describe.
  const r = await runCli(['embed', '--pretrained', 'faceapi-resnet', '--dataset', 'lfw', '--data-root', alignedRoot, '--out', out, '--threads', '1', '--ignore-checksums', '--quiet']);
  t.is(r.code, 0, r.stderr);
  const fs = readFeatureSet(out);
  t.is(fs.dim, 128);
  const row = (key: string) => fs.data.subarray(fs.keys.indexOf(key) * 128, (fs.keys.indexOf(key) + 1) * 128);
  const same = cos(row('George_W_Bush/George_W_Bush_0001.jpg'), row('George_W_Bush/George_W_Bush_0002.jpg'));
  const diff = cos(row('George_W_Bush/George_W_Bush_0001.jpg'), row('Colin_Powell/Colin_Powell_0001.jpg'));
  t.true(same > 0.8 && diff < same - 0.1, `same ${same}, different ${diff}`);

  // The test-time flip of one chip by hand: descriptor(chip) + descriptor(mirror).
  await initEngine('wasm');
  const w = loadDlibResnetWeights();
  const chipFile = join(alignedRoot, 'lfw', 'lfw-deepfunneled', 'Colin_Powell', 'Colin_Powell_0001.jpg');
  const { data } = await sharp(chipFile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const x = tf.tensor4d(new Float32Array(data), [1, 150, 150, 3]);
  const plain = dlibResnetForward(w, x).embedding.dataSync() as Float32Array;
  t.true(cos(plain, row('Colin_Powell/Colin_Powell_0001.jpg')) > 0.9999);
  const mirrored = dlibResnetForward(w, tf.reverse(x, 2) as tf.Tensor4D).embedding.dataSync() as Float32Array;
  const flipped = await runCli(['embed', '--pretrained', 'faceapi-resnet', '--dataset', 'lfw', '--data-root', alignedRoot, '--out', join(alignedRoot, 'ff.npy'), '--flip', '--threads', '1', '--ignore-checksums', '--quiet']);
  t.is(flipped.code, 0, flipped.stderr);
  const ff = readFeatureSet(join(alignedRoot, 'ff.npy'));
  const i = ff.keys.indexOf('Colin_Powell/Colin_Powell_0001.jpg');
  for (const j of [0, 17, 127]) t.true(Math.abs(ff.data[i * 128 + j]! - (plain[j]! + mirrored[j]!)) < 1e-4);
});

realTest("our dlib ResNet ops equal face-api's own recognition net; the backbone plugin undoes the harness normalisation", async (t) => {
  await initEngine('wasm');
  const api = await loadFaceApi(['faceRecognitionNet']);
  const w = loadDlibResnetWeights();
  const x = tf.randomUniform([2, 150, 150, 3], 0, 255, 'float32', 7) as tf.Tensor4D;
  const ours = dlibResnetForward(w, x);
  const theirs = api.nets.faceRecognitionNet.forwardInput(await api.toNetInput(tf.unstack(x) as tf.Tensor3D[]));
  t.true(tf.max(tf.abs(tf.sub(ours.embedding, theirs))).dataSync()[0]! < 1e-5);
  t.deepEqual(ours.penultimate.shape, [2, 256]);

  const plugin = await findBackbonePlugin('faceapi-resnet');
  const { model } = createBackbone(plugin.plugin, {}, { inputShape: [150, 150, 3], embeddingDim: 128, seed: 1 });
  const viaPlugin = model.predict(tf.div(tf.sub(x, 127.5), 128)) as tf.Tensor2D;
  t.true(tf.max(tf.abs(tf.sub(viaPlugin, ours.embedding))).dataSync()[0]! < 1e-3);
  t.is(model.trainableWeights.length, 0, 'the pretrained trunk is frozen');
  const withHead = createBackbone(plugin.plugin, { penultimate: true }, { inputShape: [150, 150, 3], embeddingDim: 64, seed: 1 }).model;
  t.deepEqual(withHead.outputs[0]!.shape, [null, 64]);
  t.true(withHead.trainableWeights.length > 0);
});

test('flb embed refuses --pretrained without --out, and --run with --pretrained', async (t) => {
  const noOut = await runCli(['embed', '--pretrained', 'faceapi-resnet', '--dataset', 'lfw']);
  t.is(noOut.code, 2);
  t.regex(noOut.stderr, /--out <file\.npy> is required/);
  const both = await runCli(['embed', '--pretrained', 'faceapi-resnet', '--run', 'x', '--dataset', 'lfw', '--out', 'f.npy']);
  t.regex(both.stderr, /either --run <dir> or --pretrained <model>/);
  const unknown = await runCli(['embed', '--pretrained', 'vgg', '--dataset', 'lfw', '--out', 'f.npy']);
  t.not(unknown.code, 0);
  t.regex(unknown.stderr, /unknown pretrained model "vgg"; expected one of faceapi-resnet/);
});
