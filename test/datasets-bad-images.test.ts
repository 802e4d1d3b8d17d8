import test from 'ava';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { requireChecksums } from '../harness/data/registry/checksums.js';
import { ensureDataset, openTrainSet, resolveDataset } from '../harness/data/registry/registry.js';
import { listImageFolder } from '../harness/data/readers/image-folder.js';
import { scanImages } from '../harness/data/readers/image-scan.js';
import { embedRun } from '../harness/embedding/embed-run.js';
import { runAt } from '../harness/run-store/run-store.js';
import type { RunConfig } from '../harness/run-store/run-definition.js';
import { runCli } from './helpers/cli.js';
import { TEST_BACKEND } from './helpers/test-backend.js';
import { smallRun, trainQuietly } from './helpers/quiet-training.js';

/**
 * synth-tiny with two training images broken as the issue found them (a zero-byte file and a PNG cut in half)
 * and one that is not broken though its tail is unusual (bytes after PNG's IEND, which decoders ignore).
 */
const dataRoot = mkdtempSync(join(tmpdir(), 'flb-bad-images-'));
const EMPTY = 'id_000007/0001.png';
const TRUNCATED = 'id_000003/0002.png';
const TRAILING = 'id_000009/0004.png';

const ready = (async () => {
  const ds = await ensureDataset('synth-tiny', { dataRoot, progress: 'quiet' });
  const images = ds.paths.images!;
  writeFileSync(join(images, EMPTY), '');
  truncateSync(join(images, TRUNCATED), Math.floor(statSync(join(images, TRUNCATED)).size / 2));
  appendFileSync(join(images, TRAILING), 'trailing bytes');
  return images;
})();

test('the quick scan (training) and the deep one (datasets check --deep) both find exactly the two broken images', async (t) => {
  const images = await ready;
  const items = listImageFolder(images).images.map((e) => ({ key: e.key, source: join(images, e.key) }));
  for (const deep of [false, true]) {
    const bad = await scanImages(items, { deep, progress: 'quiet', label: 'test' });
    t.deepEqual(
      bad.map((b) => b.key),
      [TRUNCATED, EMPTY],
      `deep=${deep}`,
    );
    t.is(bad[1]!.problem, 'empty file (0 bytes)');
    t.regex(bad[0]!.problem, /^cannot decode \(/);
  }
});

test('flb datasets check --deep lists every image that cannot be decoded; flb train refuses the set before step 0 with all of them', async (t) => {
  await ready;
  const check = await runCli(['datasets', 'check', 'synth-tiny', '--deep', '--json', '--data-root', dataRoot]);
  t.is(check.code, 4, check.stderr);
  const c = JSON.parse(check.stdout) as { ok: boolean; deep: { images: number; bad: { key: string }[] }; problems: string[] };
  t.false(c.ok);
  t.is(c.deep.images, 1024);
  t.deepEqual(c.deep.bad.map((b) => b.key), [TRUNCATED, EMPTY]);
  t.true(c.problems.includes('2 of 1024 images cannot be decoded (each listed below)'));

  const out = join(mkdtempSync(join(tmpdir(), 'flb-bad-train-')), 'run');
  const trained = await runCli(['train', '--loss', 'cosface', '--dataset', 'synth-tiny', '--data-root', dataRoot, '--steps', '2', '--out', out, '--backend', TEST_BACKEND]);
  t.is(trained.code, 4, trained.stderr);
  t.regex(trained.stderr, /2 of 1024 images under .* cannot be used:\n {2}id_000003\/0002\.png: cannot decode .*\n {2}id_000007\/0001\.png: empty file \(0 bytes\)\n/);
  t.regex(trained.stderr, /--skip-bad-images/);
  t.false(existsSync(join(out, 'status.json')), 'refused before training started');
});

test('with bad images skipped, the set leaves them out and the run records which in config.json', async (t) => {
  await ready;
  const set = await openTrainSet('synth-tiny', { dataRoot, progress: 'quiet', badImages: 'skip' });
  t.is(set.size, 1022);
  t.is(set.numClasses, 64, 'labels stay those of the full listing');
  t.deepEqual(set.skippedImages, [TRUNCATED, EMPTY]);
  const dir = mkdtempSync(join(tmpdir(), 'flb-skip-run-'));
  const outcome = await trainQuietly(dir, smallRun('cosface', 'synth-tiny', { steps: 2, batchSize: 16, embeddingDim: 8, logEvery: 1, checkpointEvery: 10 }, 16), set);
  t.is(outcome.state, 'done');
  const config = runAt(dir).readConfig<RunConfig>();
  t.deepEqual(config.dataset.skippedImages, [TRUNCATED, EMPTY]);
  t.is(config.dataset.size, 1022);
});

test('flb embed\'s embedding refuses a dataset whose files do not match their checksums, before any model is loaded', async (t) => {
  await ready;
  const ds = resolveDataset('synth-tiny-lfw', { dataRoot });
  await t.notThrowsAsync(requireChecksums(ds));
  appendFileSync(ds.paths.pairs!, '\n');
  const error = await t.throwsAsync(requireChecksums(ds), { instanceOf: UserError });
  t.is(error!.exitCode, 4);
  t.regex(error!.message, /^dataset "synth-tiny-lfw" does not match its checksums, so features made from it would not be the protocol's:\n {2}.*pairs\.txt: checksum sha256:[0-9a-f]{64} differs from the expected sha256:[0-9a-f]{64}\n/);
  // The folder is no run at all: the checksum refusal comes first, before the run's model would be read.
  const noRun = mkdtempSync(join(tmpdir(), 'flb-no-run-'));
  await t.throwsAsync(embedRun(runAt(noRun), 'synth-tiny-lfw', { dataRoot, progress: 'quiet', verifyChecksums: true }), { message: /does not match its checksums/ });
  t.true(readFileSync(ds.paths.pairs!, 'utf8').endsWith('\n\n'));
});
