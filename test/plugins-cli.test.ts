import test from 'ava';
import { dirname } from 'node:path';
import { runCli } from './helpers/cli.js';
import { writeUserPlugin } from './helpers/user-plugins.js';

const SEVEN = ['softmax', 'l2-softmax', 'sphereface', 'cosface', 'arcface', 'adacos-fixed', 'adacos-dynamic'];
// The newer losses are checked in-process in losses-modern.test.ts (a CLI child each would cost 5 s).
const NEWER = ['combined-margin', 'curricularface', 'subcenter-arcface', 'magface', 'adaface', 'elasticface-arc', 'elasticface-cos'];

for (const name of SEVEN) {
  test(`flb plugins check ${name}: every conformance check passes`, async (t) => {
    const r = await runCli(['plugins', 'check', name]);
    t.is(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    t.true(lines.filter((l) => l.startsWith('pass ')).length >= 13);
    t.false(r.stdout.includes('FAIL'));
    t.regex(lines.at(-1)!, new RegExp(`^${name}: \\d+ passed, 0 failed$`));
  });
}

test('a loss plugin outside the repo is listed and checked through --plugin', async (t) => {
  const file = writeUserPlugin('half-margin');
  const dir = dirname(file);
  const list = await runCli(['plugins', 'list', '--plugin', file, '--json'], { cwd: dir });
  t.is(list.code, 0, list.stderr);
  const listed = (JSON.parse(list.stdout) as { losses: { name: string; source: string }[] }).losses;
  t.deepEqual(listed.find((l) => l.name === 'half-margin')?.source, file);
  t.is(listed.length, SEVEN.length + NEWER.length + 1);
  const check = await runCli(['plugins', 'check', file], { cwd: dir });
  t.is(check.code, 0, check.stdout + check.stderr);
  t.regex(check.stdout, /half-margin: \d+ passed, 0 failed/);
});

test('plugins check fails with a non-zero exit on a broken plugin', async (t) => {
  const r = await runCli(['plugins', 'check', writeUserPlugin('frozen-w')]);
  t.is(r.code, 4, r.stdout + r.stderr);
  t.regex(r.stdout, /FAIL {2}class weights receive gradient \(are trained\): d loss \/ d W is zero/);
  t.regex(r.stdout, /frozen-w: \d+ passed, [1-9]\d* failed/);
});

test('plugins probe prints loss, logits, gradients, diagnostics and state as JSON', async (t) => {
  const input = {
    embeddings: [
      [1, 0],
      [0, 2],
      [-1, 1],
    ],
    labels: [0, 1, 2],
    weights: [
      [1, 0, -1],
      [0, 1, 0],
    ],
  };
  const r = await runCli(['plugins', 'probe', 'cosface', '--input', '-', '--param', 's=10', '--param', 'm=0.2'], {
    input: JSON.stringify(input),
  });
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { loss: number; logits: number[][]; gradEmbeddings: number[][]; gradWeights: number[][] };
  // Sample 0 lies on class 0 (cos 1): logit 10·(1 − 0.2) = 8; class 1 at 90° (0), class 2 at 180° (−10).
  t.deepEqual(out.logits[0]!.map((v) => Math.round(v * 1e4) / 1e4), [8, 0, -10]);
  // Sample 2 at 135° from class 0, 45° from class 1, target class 2 at 45°: 10·(cos 45° − 0.2).
  t.true(Math.abs(out.logits[2]![2]! - 10 * (Math.SQRT1_2 - 0.2)) < 1e-4);
  t.is(out.gradEmbeddings.length, 3);
  t.is(out.gradWeights.length, 2);
  t.is(out.gradWeights[0]!.length, 3);
  t.true(Number.isFinite(out.loss));
});

test('plugins probe names the bad field of its input', async (t) => {
  const r = await runCli(['plugins', 'probe', 'arcface', '--input', '-'], {
    input: JSON.stringify({ embeddings: [[1, 2]], labels: [5], weights: [[1], [0]] }),
  });
  t.is(r.code, 2);
  t.regex(r.stderr, /"labels" must be 1 whole numbers in \[0, 0\]/);
  t.false(r.stderr.includes('    at '), 'no stack trace without --debug');
});

