import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { writeUserPlugin } from './helpers/user-plugins.js';
import { TEST_BACKEND } from './helpers/test-backend.js';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'flb-data-'));
const work = mkdtempSync(join(tmpdir(), 'flb-train-cli-'));
const quick = ['--dataset', 'synth-tiny', '--data-root', dataRoot, '--batch-size', '32', '--embedding-dim', '64', '--backend', TEST_BACKEND];

test.before(async () => {
  // Generated once here, so the tests below do not race to generate it.
  const r = await runCli(['datasets', 'make', 'synth-tiny', '--data-root', dataRoot]);
  if (r.code !== 0) throw new Error(`datasets make failed: ${r.stderr}`);
});

test.serial('a loss plugin outside the repo trains through --plugin', async (t) => {
  const plugin = writeUserPlugin('half-margin');
  const out = join(work, 'user');
  const r = await runCli(['train', '--plugin', plugin, '--loss', 'half-margin', '--param', 'm=0.3', '--steps', '12', '--log-every', '4', '--out', out, '--json', ...quick]);
  t.is(r.code, 0, r.stderr);
  const outcome = JSON.parse(r.stdout) as { state: string; step: number; run: string };
  t.is(outcome.state, 'done');
  t.is(outcome.step, 12);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { sources: { loss: string }; resolved: { lossParams: Record<string, number> } };
  t.is(config.sources.loss, plugin);
  t.deepEqual(config.resolved.lossParams, { s: 20, m: 0.3 });
  t.is(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 3);
});

test.serial('a loss that turns NaN ends the run as diverged at that step, keeps the last good checkpoint, exits 3', async (t) => {
  const out = join(work, 'nan');
  const r = await runCli(['train', '--plugin', writeUserPlugin('explodes'), '--loss', 'explodes', '--steps', '10', '--checkpoint-every', '2', '--out', out, ...quick]);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stderr, /diverged at step 3: loss became NaN at step 4/);
  const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')) as { state: string; step: number };
  t.deepEqual([status.state, status.step], ['diverged', 3]);
  const progress = JSON.parse(readFileSync(join(out, 'checkpoint', 'progress.json'), 'utf8')) as { step: number };
  t.is(progress.step, 2, 'the checkpoint is the one before the NaN');
  t.regex(r.stderr, /the last good checkpoint \(step 2\) is kept/);

  // --resume alone, from another folder: the run's own data root and backend, not ./data and 'auto'.
  const elsewhere = mkdtempSync(join(tmpdir(), 'flb-resume-cwd-'));
  const resumed = await runCli(['train', '--resume', out], { cwd: elsewhere });
  t.is(resumed.code, 3, resumed.stderr);
  t.regex(resumed.stderr, new RegExp(`backend: ${TEST_BACKEND} \\(the backend this run started on\\)`));
  t.regex(resumed.stderr, /resuming .* from step 2/);
  t.deepEqual(readdirSync(elsewhere), [], 'no ./data made: the stored data root was used');
});

test.serial('a finished run is not trained twice, however its parameters are spelt; --resume continues, --force retrains', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'flb-twice-'));
  const args = ['train', '--loss', 'cosface', '--steps', '6', '--quiet', ...quick];
  t.is((await runCli(args, { cwd })).code, 0);
  const [id] = readdirSync(join(cwd, 'runs'));
  // The same run asked for with CosFace's default margin spelt out: one definition, one key, so it is refused.
  const again = await runCli([...args, '--param', 'm=.35'], { cwd });
  t.is(again.code, 2);
  t.regex(again.stderr, /already holds a finished run \(step 6\); pass --force/);
  t.deepEqual(readdirSync(join(cwd, 'runs')), [id]);
  // …and a sweep plans the very same key for it.
  const config = parseSweepConfig(
    { name: 'twice', train: { dataset: 'synth-tiny', steps: 6, batchSize: 32, embeddingDim: 64 }, losses: [{ loss: 'cosface', params: { m: 0.35 } }], seeds: [1], evaluate: [] },
    'twice.json',
  );
  t.is((await planSweep(config, { dataRoot })).runs[0]!.id, id);
  const out = join(cwd, 'runs', id!);
  const resume = await runCli(['train', '--resume', out]);
  t.is(resume.code, 2);
  t.regex(resume.stderr, /already finished/);
  t.is((await runCli([...args, '--force'], { cwd })).code, 0);
});

test.serial('a run that stopped before its first checkpoint starts over on the same command', async (t) => {
  const out = join(work, 'restart');
  mkdirSync(out);
  // What a failure at step 0 leaves (a plugin or data error): a status, no checkpoint.
  writeFileSync(join(out, 'status.json'), JSON.stringify({ state: 'failed', step: 0, reason: 'cannot decode image', updatedAt: '2026-01-01T00:00:00Z' }));
  const r = await runCli(['train', '--loss', 'cosface', '--steps', '2', '--out', out, ...quick]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /the earlier attempt stopped \(failed\) before its first checkpoint; starting over/);
  t.like(JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')), { state: 'done', step: 2 });
  t.true(existsSync(join(out, 'checkpoint', 'progress.json')));
});

test('user errors: one clear line, exit code 2, no stack trace', async (t) => {
  const untouched = mkdtempSync(join(tmpdir(), 'flb-untouched-'));
  const cases: [string[], RegExp][] = [
    [['train', '--loss', 'nope', ...quick], /unknown loss 'nope'; available: .*arcface.*softmax/],
    // Checked before the data is touched: an empty data root stays empty (synth-tiny is not generated).
    [['train', '--loss', 'arcface', '--param', 'm=9', ...quick.slice(0, 2), '--data-root', untouched], /parameter 'm' = 9 is out of range; allowed \[0, 1\.57/],
    [['train', '--loss', 'arcface', '--steps', 'many', ...quick], /--steps.*expected a whole number from 1, got 'many'/],
    [['train', '--loss', 'arcface', '--dataset', 'no-such-set', '--data-root', dataRoot], /no-such-set/],
    [['train', '--loss', 'arcface', '--batch-size', '5000', ...quick.filter((a) => a !== '32' && a !== '--batch-size')], /--batch-size 5000 is larger than synth-tiny \(1024 images\)/],
    [['train', '--resume', join(work, 'does-not-exist')], /is not a run directory \(no config\.json\)/],
  ];
  const cwd = mkdtempSync(join(tmpdir(), 'flb-refused-'));
  for (const [args, pattern] of cases) {
    const r = await runCli(args, { cwd });
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, pattern);
    t.false(r.stderr.includes('    at '), `no stack trace: ${r.stderr}`);
  }
  t.deepEqual(readdirSync(cwd), [], 'a refused run writes nothing (no runs/ folder)');
  t.deepEqual(readdirSync(untouched), [], 'parameters are validated before the dataset is opened or generated');
});
