import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';

const SEVEN = ['softmax', 'l2-softmax', 'sphereface', 'cosface', 'arcface', 'adacos-fixed', 'adacos-dynamic'];

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

/** A margin loss a user writes outside the repository, importing only the public kit and tfjs. */
const USER_LOSS = `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';

// "Half-margin": the target cosine is shrunk, s·(cos θ_y − m)/2 … a made-up loss for the test.
export default defineLoss({
  name: 'half-margin',
  title: 'Half margin',
  params: { s: { default: 20, min: 1, doc: 'scale' }, m: { default: 0.2, min: 0, max: 1, doc: 'margin' } },
  createHead(ctx) {
    const { s, m } = ctx.params;
    return cosineHead(ctx, { scale: s, targetLogit: (cos) => tf.div(tf.sub(cos, m), 2) });
  },
});
`;

/** A plugin that returns NaN logits from step 3 on, to exercise divergence handling. */
const EXPLODING_LOSS = `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'explodes',
  title: 'Explodes',
  params: {},
  createHead(ctx) {
    return cosineHead(ctx, { scale: (batch) => (batch.step >= 3 ? NaN : 10) });
  },
});
`;

function userPluginDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flb-user-plugin-'));
  writeFileSync(join(dir, 'half-margin.ts'), USER_LOSS);
  writeFileSync(join(dir, 'explodes.ts'), EXPLODING_LOSS);
  return dir;
}

test('a loss plugin outside the repo is listed and checked through --plugin', async (t) => {
  const dir = userPluginDir();
  const file = join(dir, 'half-margin.ts');
  const list = await runCli(['plugins', 'list', '--plugin', file, '--json'], { cwd: dir });
  t.is(list.code, 0, list.stderr);
  const listed = (JSON.parse(list.stdout) as { losses: { name: string; source: string }[] }).losses;
  t.deepEqual(listed.find((l) => l.name === 'half-margin')?.source, file);
  t.is(listed.length, SEVEN.length + 1);
  const check = await runCli(['plugins', 'check', file], { cwd: dir });
  t.is(check.code, 0, check.stdout + check.stderr);
  t.regex(check.stdout, /half-margin: \d+ passed, 0 failed/);
});

/** A plugin whose logits ignore W: its class weights would never train (a bug known from elsewhere). */
const FROZEN_W_LOSS = `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'frozen-w',
  title: 'Frozen W',
  params: {},
  createHead(ctx) {
    const head = cosineHead(ctx, { scale: 10 });
    return { ...head, forward: (x) => ({ logits: tf.matMul(x, tf.ones([x.shape[1], ctx.numClasses])) }) };
  },
});
`;

test('plugins check fails with a non-zero exit on a broken plugin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flb-broken-plugin-'));
  writeFileSync(join(dir, 'frozen-w.ts'), FROZEN_W_LOSS);
  const r = await runCli(['plugins', 'check', join(dir, 'frozen-w.ts')]);
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

export { userPluginDir };
