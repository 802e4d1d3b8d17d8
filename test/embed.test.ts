import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrainSet, resolveDataset } from '../harness/data/registry/registry.js';
import { embedRun } from '../harness/embedding/embed-run.js';
import { evaluateRun } from '../harness/evaluation/evaluate-run.js';
import { readFeatureSet } from '../harness/formats/feature-set.js';
import { readIjbcFaceTidMid } from '../harness/formats/ijbc-meta.js';
import { lfwPairKeys, readLfwPairs } from '../harness/formats/lfw-pairs.js';
import { readFacescrubList } from '../harness/formats/megaface-lists.js';
import { runAt } from '../harness/run-store/run-store.js';
import { runCli } from './helpers/cli.js';
import { smallRun, trainQuietly } from './helpers/quiet-training.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'flb-embed-data-'));
const runDir = join(mkdtempSync(join(tmpdir(), 'flb-embed-run-')), 'run');

test.before(async () => {
  const trainSet = await openTrainSet('synth-tiny', { dataRoot, progress: 'quiet' });
  await trainQuietly(runDir, smallRun('cosface', 'synth-tiny', { steps: 4, batchSize: 32, embeddingDim: 16 }, 32), trainSet);
});

test.serial('LFW-style set: one feature per distinct image of pairs.txt, keyed by its LFW path', async (t) => {
  const out = await embedRun(runAt(runDir), 'synth-tiny-lfw', { dataRoot, progress: 'quiet' });
  const fs = readFeatureSet(out.sets.features!);
  const expected = [...new Set(lfwPairKeys(readLfwPairs(resolveDataset('synth-tiny-lfw', { dataRoot }).paths.pairs!)))];
  t.deepEqual(fs.keys, expected);
  t.is(fs.dim, 16);
  t.regex(fs.keys[0]!, /^[^/]+\/[^/]+_\d{4}\.(jpg|png)$/);

  // Test-time flip sums the features of the image and of its mirror image: a different, still finite, set.
  const flipped = readFeatureSet((await embedRun(runAt(runDir), 'synth-tiny-lfw', { dataRoot, progress: 'quiet', flip: true, force: true })).sets.features!);
  t.deepEqual(flipped.keys, fs.keys);
  t.notDeepEqual(Array.from(flipped.data.subarray(0, 16)), Array.from(fs.data.subarray(0, 16)));
});

test.serial('MegaFace-style set: probe features keyed by the facescrub list, distractors by the megaface lists', async (t) => {
  const out = await embedRun(runAt(runDir), 'synth-tiny-megaface', { dataRoot, progress: 'quiet' });
  const probe = readFeatureSet(out.sets.probe!);
  const paths = resolveDataset('synth-tiny-megaface', { dataRoot }).paths;
  t.deepEqual(probe.keys, readFacescrubList(paths.probeList!).paths);
  const distractors = readFeatureSet(out.sets.distractors!);
  t.true(distractors.rows >= 100);
});

test.serial('IJB-C-style set: one feature per image of ijbc_face_tid_mid.txt, after 5-point alignment', async (t) => {
  const out = await embedRun(runAt(runDir), 'synth-tiny-ijbc', { dataRoot, progress: 'quiet' });
  const fs = readFeatureSet(out.sets.features!);
  const faces = readIjbcFaceTidMid(resolveDataset('synth-tiny-ijbc', { dataRoot }).paths.faceTidMid!);
  t.deepEqual(fs.keys, [...new Set(faces.map((f) => f.image))]);
});

test.serial('the protocols consume what flb embed writes', async (t) => {
  const embedded = await runCli(['embed', '--run', runDir, '--dataset', 'synth-tiny-lfw', '--data-root', dataRoot, '--json', '--force']);
  t.is(embedded.code, 0, embedded.stderr);
  const { sets } = JSON.parse(embedded.stdout) as { sets: { features: string } };
  const pairs = resolveDataset('synth-tiny-lfw', { dataRoot }).paths.pairs!;
  const evaluated = await runCli(['eval', 'lfw', '--features', sets.features, '--pairs', pairs, '--json', '--threads', '1']);
  t.is(evaluated.code, 0, evaluated.stderr);
  const result = JSON.parse(evaluated.stdout) as { protocol: string; pairs: number; accuracy: number };
  t.is(result.protocol, 'lfw');
  t.is(result.pairs, readFileSync(pairs, 'utf8').trim().split('\n').length - 1);
  t.true(result.accuracy >= 0 && result.accuracy <= 1);
});

test.serial('evaluateRun embeds, scores and stores eval/<protocol>.json for each protocol', async (t) => {
  const run = runAt(runDir);
  for (const [dataset, protocol, key] of [
    ['synth-tiny-lfw', 'lfw', 'accuracy'],
    ['synth-tiny-megaface', 'megaface', 'identification'],
    ['synth-tiny-ijbc', 'ijbc', 'tarAtFar'],
  ] as const) {
    const result = await evaluateRun(run, dataset, { dataRoot, threads: 1, progress: 'quiet' });
    t.is(result.protocol, protocol);
    t.is(result.dataset, dataset);
    t.true(key in result, `${protocol} result has ${key}`);
    t.deepEqual(run.readResult(protocol), JSON.parse(JSON.stringify(result)));
  }
});

test('embedding a training set or an untrained run is refused with a clear message', async (t) => {
  const notProtocol = await runCli(['embed', '--run', runDir, '--dataset', 'synth-tiny', '--data-root', dataRoot]);
  t.is(notProtocol.code, 2);
  t.regex(notProtocol.stderr, /synth-tiny" is a train set: only protocol datasets/);
  const noRun = await runCli(['embed', '--run', join(tmpdir(), 'no-such-run'), '--dataset', 'synth-tiny-lfw', '--data-root', dataRoot]);
  t.is(noRun.code, 2);
  t.regex(noRun.stderr, /is not a run directory/);
});
