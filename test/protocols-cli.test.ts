import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFeatureSet } from '../harness/formats/feature-set.js';
import { writeNpy } from '../harness/formats/npy.js';
import { UserError } from '../harness/core/errors.js';
import { requireFlags } from '../harness/cli/commands/eval-output.js';
import { evaluateFromRun } from '../harness/cli/commands/eval-from-run.js';
import { loadIjbInput } from '../harness/evaluation/ijb-inputs.js';
import { loadMegafaceInput, type MegafacePaths } from '../harness/evaluation/megaface-inputs.js';
import { loadPairInput } from '../harness/evaluation/pair-inputs.js';
import { withScoringPool } from '../harness/scoring/pool.js';
import { evaluateIjbc } from '../protocols/evaluate-ijbc.js';

/** `flb eval …` end to end in a child process: exit code, stdout, stderr. */
const cli = fileURLToPath(new URL('../harness/cli/main.ts', import.meta.url));
function flb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'eval', ...args, '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'flb-eval-cli-'));

/** Two people with 2-d features pointing their own way; the 20 pairs alternate same/different. */
function lfwFixture(): { features: string; pairs: string } {
  const keys = ['Ann/Ann_0001.jpg', 'Ann/Ann_0002.jpg', 'Bob/Bob_0001.jpg', 'Bob/Bob_0002.jpg'];
  const features = join(dir, 'lfw.npy');
  writeFeatureSet(features, { rows: 4, dim: 2, data: Float32Array.from([1, 0.1, 1, -0.1, 0.1, 1, -0.1, 1]), keys });
  const lines = ['10\t1'];
  for (let f = 0; f < 10; f++) lines.push(f % 2 ? 'Ann 1 2' : 'Bob 1 2', 'Ann 1 Bob 2');
  const pairs = join(dir, 'pairs.txt');
  writeFileSync(pairs, lines.join('\n') + '\n');
  return { features, pairs };
}

test('lfw --json prints one JSON object, --out writes the same, the pairs separate perfectly', async (t) => {
  const { features, pairs } = lfwFixture();
  const out = join(dir, 'eval', 'lfw.json');
  const r = await flb(['lfw', '--features', features, '--pairs', pairs, '--json', '--out', out]);
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  t.is(r.stdout.trim().split('\n').length, 1);
  t.deepEqual(JSON.parse(readFileSync(out, 'utf8')), result);
  t.is(result.protocol, 'lfw');
  t.is(result.pairs, 20);
  t.is(result.accuracy, 1);
  t.is(result.std, 0);
  t.is(result.thresholds.length, 10);
});

test('lfw: a pair naming an image without a feature fails with file, line and key; nothing written', async (t) => {
  const { features } = lfwFixture();
  const pairs = join(dir, 'pairs-missing.txt');
  const lines = ['10\t1'];
  for (let f = 0; f < 10; f++) lines.push(f === 4 ? 'Ann 1 3' : 'Ann 1 2', 'Ann 1 Bob 2');
  writeFileSync(pairs, lines.join('\n') + '\n');
  const out = join(dir, 'missing.json');
  const r = await flb(['lfw', '--features', features, '--pairs', pairs, '--out', out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /pairs-missing\.txt:10: image 'Ann\/Ann_0003\.jpg' has no feature: it is not in .*lfw\.keys\.txt/);
  t.false(existsSync(out));
});

test('lfw --bin-order with --issame: rows 2i, 2i+1 are pair i; a row-count mismatch is refused', (t) => {
  const features = join(dir, 'bin-order.npy');
  const rows: number[] = [];
  for (let i = 0; i < 10; i++) rows.push(1, 0, ...(i % 2 ? [0.9, 0.1] : [-1, 0.2]));
  writeNpy(features, Float32Array.from(rows), [20, 2]);
  const issame = join(dir, 'issame.txt');
  writeFileSync(issame, Array.from({ length: 10 }, (_, i) => (i % 2 ? '1' : '0')).join('\n') + '\n');
  const loaded = loadPairInput({ kind: 'bin-order', features, labels: { issame } });
  t.deepEqual(loaded.pairs.slice(0, 2), [{ first: 0, second: 1, same: false }, { first: 2, second: 3, same: true }]);
  t.is(loaded.features.rows, 20);
  writeFileSync(issame, '1\n0\n');
  t.throws(() => loadPairInput({ kind: 'bin-order', features, labels: { issame } }), { instanceOf: UserError, message: /has 20 rows but .*issame\.txt lists 2 pairs/ });
});

function megafaceFixture(name: string, distractorDim = 2): string {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  const probeKeys = ['A/A_1.png', 'A/A_2.png', 'B/B_1.png', 'B/B_2.png'];
  writeFeatureSet(join(root, 'probe.npy'), { rows: 4, dim: 2, data: Float32Array.from([1, 0, 0.9, 0.2, 0, 1, 0.2, 0.9]), keys: probeKeys });
  writeFileSync(join(root, 'facescrub_features_list.json'), JSON.stringify({ path: probeKeys, id: ['A', 'A', 'B', 'B'] }));
  const dKeys = ['1/x@N00/1_0.jpg', '1/x@N00/2_0.jpg', '1/x@N00/3_0.jpg'];
  writeFeatureSet(join(root, 'distractors.npy'), { rows: 3, dim: distractorDim, data: Float32Array.from({ length: 3 * distractorDim }, (_, i) => (i % 3) - 1.5), keys: dKeys });
  writeFileSync(join(root, 'megaface_features_list.json_1_1'), JSON.stringify({ path: dKeys.slice(0, 1) }));
  writeFileSync(join(root, 'megaface_features_list.json_3_1'), JSON.stringify({ path: dKeys }));
  return root;
}

function megafaceArgs(root: string): string[] {
  return ['megaface', '--probe', join(root, 'probe.npy'), '--probe-list', join(root, 'facescrub_features_list.json'), '--distractors', join(root, 'distractors.npy'), '--distractor-lists', root];
}

/** The same inputs, for calling the evaluation layer's loader in-process (errors are thrown before any scoring). */
function megafacePaths(root: string): MegafacePaths {
  return { probe: join(root, 'probe.npy'), probeList: join(root, 'facescrub_features_list.json'), distractors: join(root, 'distractors.npy'), distractorLists: root };
}
const loadMegaface = (root: string) => () => loadMegafaceInput(megafacePaths(root), { ranks: 10, progress: 'quiet' });

test('megaface --json: sizes from the lists present, counts, CMC', async (t) => {
  const root = megafaceFixture('mf-ok');
  const r = await flb([...megafaceArgs(root), '--ranks', '2', '--json']);
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  t.deepEqual(result.counts, { probes: 4, identities: 2, trials: 4, distractors: { '1': 1, '3': 3 }, impostorPairs: 12 });
  // 4 probes × 3 distractors: no target down to 1e-4 is measurable.
  t.deepEqual(result.resolvable, { '1e-6': false, '1e-5': false, '1e-4': false });
  t.deepEqual(Object.keys(result.cmc), ['1', '3']);
  t.is(result.cmc['3'].length, 2);
  t.deepEqual(Object.keys(result.verification), ['tarAtFar1e-6', 'tarAtFar1e-5', 'tarAtFar1e-4']);
});

test('megaface: malformed list JSON, a dimension mismatch, a key missing from the features', async (t) => {
  const broken = megafaceFixture('mf-json');
  writeFileSync(join(broken, 'megaface_features_list.json_3_1'), '{"path": ["1/x@N00/1_0.jpg",\n]');
  t.throws(loadMegaface(broken), { instanceOf: UserError, message: /megaface_features_list\.json_3_1:2:1: not valid JSON \(value expected\)/ });

  const wide = megafaceFixture('mf-dim', 3);
  t.throws(loadMegaface(wide), {
    instanceOf: UserError,
    message: /dimension mismatch: .*probe\.npy has 2-d features but .*distractors\.npy has 3-d/,
  });

  const missing = megafaceFixture('mf-key');
  writeFileSync(join(missing, 'megaface_features_list.json_1_1'), JSON.stringify({ path: ['9/y@N00/9_0.jpg'] }));
  t.throws(loadMegaface(missing), {
    instanceOf: UserError,
    message: /megaface_features_list\.json_1_1: "path"\[0\] '9\/y@N00\/9_0\.jpg' has no feature/,
  });
});

const REFERENCE = fileURLToPath(new URL('./fixtures/protocol-reference/', import.meta.url));

for (const set of ['ijbc', 'ijbb'] as const) {
  test(`flb eval ${set} --json equals eval_ijbc.py on a set with tied scores and unresolvable targets`, async (t) => {
    // Inputs and expected values from test/fixtures/protocol-reference/make_reference.py (sklearn + eval_ijbc.py's logic).
    const root = join(REFERENCE, `${set}-small`);
    const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as { targets: number[]; tarAtFar: number[]; auc: number; counts: Record<string, number> };
    const r = await flb([set, '--features', join(root, 'features.npy'), '--meta', root, '--json']);
    t.is(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    t.is(result.protocol, set);
    t.deepEqual(result.counts, expected.counts);
    expected.targets.forEach((far, k) => {
      const key = far.toExponential();
      t.true(Math.abs(result.tarAtFar[key] - expected.tarAtFar[k]) < 1e-4, `${key}: ${result.tarAtFar[key]} vs ${expected.tarAtFar[k]}`);
      // 1/impostors is the smallest measurable FAR.
      t.is(result.resolvable[key], far * expected.counts.impostor >= 1, key);
    });
    t.true(Math.abs(result.auc - expected.auc) < 1e-9);
  });
}

test('ijb: a pair naming an unknown template is refused with the file and line', async (t) => {
  const root = join(dir, 'ijbc-bad');
  mkdirSync(join(root, 'meta'), { recursive: true });
  writeFeatureSet(join(root, 'ijbc.npy'), { rows: 4, dim: 2, data: Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]), keys: ['1.jpg', '2.jpg', '3.jpg', '4.jpg'] });
  writeFileSync(join(root, 'meta', 'ijbc_face_tid_mid.txt'), '1.jpg 1 10\n2.jpg 2 20\n3.jpg 3 30\n4.jpg 4 40\n');
  writeFileSync(join(root, 'meta', 'ijbc_template_pair_label.txt'), '1 2 1\n3 7 0\n');
  const input = loadIjbInput({ set: 'ijbc', features: join(root, 'ijbc.npy'), meta: root }, { faceness: true, progress: 'quiet' });
  await t.throwsAsync(withScoringPool(1, (pool) => evaluateIjbc(pool, input)), {
    instanceOf: UserError,
    message: /ijbc_template_pair_label\.txt: pair 2 \(3 7\): template 7 has no images/,
  });
  t.throws(() => loadIjbInput({ set: 'ijbb', features: join(root, 'ijbc.npy'), meta: root }, { faceness: true }), {
    instanceOf: UserError,
    message: /no ijbb_face_tid_mid\.txt here or in .*meta; expected the IJB-B meta folder/,
  });
});

test('--run/--dataset: each needs the other, and the dataset must be of the protocol role', async (t) => {
  await t.throwsAsync(evaluateFromRun({ run: join(dir, 'no-run') }, 'lfw'), { instanceOf: UserError, message: /--run needs --dataset NAME/ });
  await t.throwsAsync(evaluateFromRun({ dataset: 'synth-tiny-lfw' }, 'lfw'), { instanceOf: UserError, message: /--dataset goes with --run/ });
  await t.throwsAsync(evaluateFromRun({ run: join(dir, 'no-run'), dataset: 'synth-tiny-lfw' }, 'ijbc'), {
    instanceOf: UserError,
    message: "dataset 'synth-tiny-lfw' has role 'lfw'; flb eval ijbc needs a dataset of role ijbc",
  });
  t.is(await evaluateFromRun({}, 'megaface'), undefined);
  t.throws(() => requireFlags('lfw', {}, { features: '--features' }), { instanceOf: UserError, message: 'flb eval lfw needs --features (or --run DIR --dataset NAME)' });
  t.throws(() => requireFlags('megaface', { probe: 'p.npy' }, { probe: '--probe', probeList: '--probe-list', distractors: '--distractors' }), {
    message: /needs --probe-list, --distractors/,
  });
});
