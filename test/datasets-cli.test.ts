import test from 'ava';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';

// synth-tiny made once by the CLI itself; the other tests read it
const dataRoot = mkdtempSync(join(tmpdir(), 'flb-datasets-cli-'));
const made = runCli(['datasets', 'make', 'synth-tiny', '--data-root', dataRoot, '--json']);

test('datasets make writes synth-tiny with all its splits and reports what it made', async (t) => {
  const r = await made;
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.is(out.generator, 'synth-tiny');
  t.deepEqual(out.datasets, ['synth-tiny', 'synth-tiny-lfw', 'synth-tiny-megaface', 'synth-tiny-ijbc']);
  t.true(out.made);
  t.is(out.dir, join(dataRoot, 'synth-tiny'));
  t.deepEqual(readdirSync(out.dir).sort(), ['ijbc', 'lfw', 'manifest.json', 'megaface', 'train']);
  t.deepEqual(readdirSync(dataRoot), ['synth-tiny'], 'no temporary folder or lock left behind');

  // FLB_DATA_ROOT stands in for --data-root
  const again = await runCli(['datasets', 'make', 'synth-tiny'], { env: { FLB_DATA_ROOT: dataRoot } });
  t.is(again.code, 0, again.stderr);
  t.is(again.stdout, `synth-tiny (synth-tiny, synth-tiny-lfw, synth-tiny-megaface, synth-tiny-ijbc) is up to date at ${out.dir} (${out.images} images); --force makes it again\n`);
});

test('datasets list --json: present, will-be-generated and missing', async (t) => {
  await made;
  const r = await runCli(['datasets', 'list', '--json', '--data-root', dataRoot]);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.is(out.dataRoot, dataRoot);
  const status = Object.fromEntries(out.datasets.map((d: { name: string; status: string }) => [d.name, d.status]));
  t.is(status['synth-tiny'], 'present');
  t.is(status['synth-tiny-ijbc'], 'present');
  t.is(status['synth-faces'], 'will-be-generated');
  t.is(status.lfw, 'missing');
  t.is(status['casia-webface'], 'missing');
  const lfw = out.datasets.find((d: { name: string }) => d.name === 'lfw');
  t.is(lfw.location, join(dataRoot, 'lfw'));
  t.regex(lfw.hint, /vis-www\.cs\.umass\.edu\/lfw/);
});

test('datasets check on a present dataset: counts as expected, checksums verified, exit 0', async (t) => {
  await made;
  const r = await runCli(['datasets', 'check', 'synth-tiny-megaface', '--json', '--data-root', dataRoot]);
  t.is(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  t.true(c.ok);
  t.deepEqual(c.problems, []);
  t.deepEqual(c.counts.probes, { found: 32, expected: 32 });
  t.deepEqual(c.counts.distractors, { found: 100, expected: 100 });
  const sums = Object.values(c.checksums) as { expected: string; found: string }[];
  t.is(sums.length, 3, 'the probe list and the two distractor lists');
  for (const s of sums) t.is(s.found, s.expected);
});

test('datasets check on a missing dataset: what is missing, how to get it, exit code 4', async (t) => {
  const r = await runCli(['datasets', 'check', 'ijbc', '--data-root', dataRoot]);
  t.is(r.code, 4);
  t.regex(r.stdout, /^ijbc \(ijbc, ijbc-meta\): PROBLEMS — missing/m);
  t.true(r.stdout.includes(`✗ ${join(dataRoot, 'IJB_release', 'IJBC', 'loose_crop')}: missing (images, a folder)`), r.stdout);
  t.true(r.stdout.includes(`✗ ${join(dataRoot, 'IJB_release', 'IJBC', 'meta', 'ijbc_template_pair_label.txt')}: missing (templatePairLabel, a file)`));
  t.regex(r.stdout, /to obtain it: request IJB-C from NIST/);
});

test('unknown names and user-brought datasets are refused with a clear message', async (t) => {
  const unknown = await runCli(['datasets', 'check', 'lfw-typo', '--data-root', dataRoot]);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^flb: unknown dataset "lfw-typo"; datasets\.json has synth-tiny, /);
  t.notRegex(unknown.stderr, /\n\s+at /, 'no stack trace');
  const real = await runCli(['datasets', 'make', 'casia-webface', '--data-root', dataRoot]);
  t.is(real.code, 2);
  t.regex(real.stderr, /dataset "casia-webface" is not generated; it is brought by users: CASIA-WebFace is no longer distributed/);
});
