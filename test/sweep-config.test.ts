import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definitionHash } from '../harness/run-store/run-store.js';
import { selectRuns } from '../harness/sweep/run-selection.js';
import { parseSweepConfig, readSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';
import { DEFAULT_TRAIN_SETTINGS } from '../harness/run-store/train-settings.js';
import { writeFeatureFixture } from './helpers/feature-fixture.js';

const dataRoot = mkdtempSync(join(tmpdir(), 'flb-sweep-config-'));
const FILE = join(dataRoot, 'study.json');

function config(overrides: Record<string, unknown> = {}, train: Record<string, unknown> = {}) {
  return {
    train: { dataset: 'synth-tiny', backbone: 'mlp', steps: 20, batchSize: 32, embeddingDim: 16, ...train },
    seeds: [1, 2],
    losses: ['softmax', { loss: 'arcface', params: { m: [0.3, 0.5], s: 32 } }],
    evaluate: ['synth-tiny-lfw', 'synth-tiny-megaface', 'synth-tiny-ijbc'],
    ...overrides,
  };
}

const plan = async (json: unknown) => planSweep(parseSweepConfig(json, FILE), { dataRoot });

/** A cross-validation study on the feature sets (absent under dataRoot: "all" then means LFW's 10 folds). */
function folds(overrides: Record<string, unknown> = {}, train: Record<string, unknown> = {}) {
  return {
    train: { dataset: 'lfw-faceapi-256', backbone: 'mlp', steps: 20, batchSize: 32, embeddingDim: 16, flip: false, ...train },
    seeds: [1],
    folds: { dataset: 'lfw-faceapi-256-pairs', test: 'all' },
    losses: ['softmax', 'cosface'],
    evaluate: ['lfw-faceapi-256-pairs'],
    embedding: { flip: false },
    ...overrides,
  };
}

test('variants are the product of list-valued parameters, runs are variants × seeds keyed by the hash of their definition', async (t) => {
  const p = await plan(config());
  t.deepEqual(p.variants.map((v) => v.label), ['Softmax', 'ArcFace (m=0.3, s=32)', 'ArcFace (m=0.5, s=32)']);
  t.deepEqual(p.variants.map((v) => v.params), [{}, { m: 0.3, s: 32 }, { m: 0.5, s: 32 }]);
  t.is(p.variants[1]!.resolved.m, 0.3);
  t.is(p.runs.length, 6);
  const run = p.runs[3]!; // variant 1, seed 2
  t.is(run.variant.label, 'ArcFace (m=0.3, s=32)');
  t.is(run.seed, 2);
  const expected = {
    loss: { name: 'arcface', params: { m: 0.3, s: 32 } },
    // Every default filled in (plugins/backbones/mlp.ts), so that leaving one out and giving it are one run.
    backbone: { name: 'mlp', params: { hidden: 512, layers: 1, dropout: 0 } },
    dataset: 'synth-tiny',
    train: { ...DEFAULT_TRAIN_SETTINGS, steps: 20, batchSize: 32, embeddingDim: 16, seed: 2 },
  };
  t.deepEqual(run.definition, expected);
  t.is(run.id, `arcface-${definitionHash(expected)}`);
  t.is(new Set(p.runs.map((r) => r.id)).size, 6, 'every run has its own id');
  t.deepEqual(p.evaluate.map((d) => [d.entry.name, d.protocol, d.status]), [
    ['synth-tiny-lfw', 'lfw', 'will-be-generated'],
    ['synth-tiny-megaface', 'megaface', 'will-be-generated'],
    ['synth-tiny-ijbc', 'ijbc', 'will-be-generated'],
  ]);
});

test('the same config plans the same run ids; changing a shared training setting changes every id', async (t) => {
  const a = await plan(config());
  const b = await plan(config());
  const c = await plan(config({}, { lr: 0.05 }));
  t.deepEqual(a.runs.map((r) => r.id), b.runs.map((r) => r.id));
  t.true(c.runs.every((r, i) => r.id !== a.runs[i]!.id));
});

test('a label replaces the title; with several variants the distinguishing values are appended', async (t) => {
  const p = await plan(config({ losses: [{ loss: 'cosface', label: 'Mine', params: { m: [0.2, 0.4], s: 30 } }, { loss: 'cosface', params: { m: 0.1 } }] }));
  t.deepEqual(p.variants.map((v) => v.label), ['Mine (m=0.2)', 'Mine (m=0.4)', 'CosFace (m=0.1)']);
});

const errors: Array<[string, unknown, RegExp]> = [
  ['unknown loss', config({ losses: ['arcfase'] }), /study\.json: losses\[0\]\.loss: unknown loss 'arcfase'; available: .*arcface/],
  ['unknown parameter', config({ losses: [{ loss: 'arcface', params: { margin: 0.5 } }] }), /losses\[0\] \(arcface \{"margin":0\.5\}\): loss 'arcface': unknown parameter 'margin'; allowed: /],
  ['value out of range', config({ losses: [{ loss: 'cosface', params: { m: [0.3, 7] } }] }), /losses\[0\] \(cosface \{"m":7\}\): loss 'cosface': parameter 'm' = 7 is out of range; allowed \[/],
  ['parameter of the wrong type', config({ losses: [{ loss: 'cosface', params: { m: '0.3' } }] }), /losses\[0\]\.params\.m: expected a number, true\/false, null or a list of them, got "0\.3"/],
  ['unknown training dataset', config({}, { dataset: 'casia' }), /train\.dataset: unknown dataset "casia"; datasets\.json has /],
  ['protocol set used for training', config({}, { dataset: 'synth-tiny-lfw' }), /train\.dataset: "synth-tiny-lfw" is a lfw set, not a training set/],
  ['unknown protocol dataset', config({ evaluate: ['synth-tiny-lfw', 'megafase'] }), /evaluate\[1\]: unknown dataset "megafase"/],
  ['training set as a protocol', config({ evaluate: ['synth-tiny'] }), /evaluate\[0\]: "synth-tiny" is a train set; expected an lfw, megaface, ijbc, ijbb or verification-bin set/],
  ['two sets of one protocol', config({ evaluate: ['synth-tiny-lfw', 'synth-faces-lfw'] }), /evaluate\[1\]: "synth-faces-lfw" and "synth-tiny-lfw" are both lfw sets/],
  ['unknown backbone', config({}, { backbone: 'resnet' }), /train\.backbone: unknown backbone 'resnet'/],
  ['backbone parameter out of range', config({}, { backbone: { name: 'mlp', params: { layers: 99 } } }), /train\.backbone\.params: backbone 'mlp': parameter 'layers' = 99 is out of range/],
  ['unknown training key', config({}, { stpes: 10 }), /study\.json: train\.stpes: unknown key; did you mean "steps"\? \(known: dataset, backbone, steps/],
  ['steps not a whole number', config({}, { steps: 2.5 }), /train\.steps: expected a whole number in 1 … ∞, got 2\.5/],
  ['batch larger than the dataset', config({}, { batchSize: 5000 }), /train\.batchSize: 5000 is larger than synth-tiny \(1024 images\)/],
  ['duplicate seed', config({ seeds: [1, 1] }), /seeds: seed 1 is listed twice/],
  ['two variants with one label', config({ losses: ['cosface', { loss: 'cosface', params: {} }] }), /two variants are both labelled "CosFace"/],
  ['no losses', config({ losses: [] }), /losses: expected a non-empty list/],
  ['unknown backend', config({ backend: 'gpu' }), /backend: expected one of auto, tensorflow, webgpu, ort-cpu, wasm, cpu, got "gpu"/],
  ['folds of a set not evaluated', folds({ evaluate: ['synth-tiny-lfw'] }), /folds\.dataset: "lfw-faceapi-256-pairs" must also be listed under "evaluate"/],
  ['folds of a set that is not lfw', folds({ folds: { dataset: 'synth-tiny-megaface' }, evaluate: ['synth-tiny-megaface'] }), /folds\.dataset: "synth-tiny-megaface" is a megaface set; folds come from an lfw set's pairs\.txt/],
  ['folds with a training set labelled by number', folds({}, { dataset: 'mnist' }), /train\.dataset: "mnist" \(format idx\) labels images by number/],
  ['fold listed twice', folds({ folds: { dataset: 'lfw-faceapi-256-pairs', test: [2, 2] } }), /folds\.test: fold 2 is listed twice/],
  ['fold 0', folds({ folds: { dataset: 'lfw-faceapi-256-pairs', test: [0] } }), /folds\.test\[0\]: expected a whole number in 1 … ∞, got 0/],
  ['unknown folds key', folds({ folds: { dataset: 'lfw-faceapi-256-pairs', tests: 'all' } }), /folds\.tests: unknown key; did you mean "test"\? \(known: dataset, test/],
  ['test-time flip of feature rows', folds({ embedding: { flip: true } }), /embedding\.flip: "lfw-faceapi-256-pairs" holds feature rows, not images/],
];

for (const [what, json, message] of errors) {
  test(`config error: ${what}`, async (t) => {
    const e = await t.throwsAsync(plan(json));
    t.regex(e!.message, message);
    t.is(e!.name, 'UserError');
  });
}

test('a file that is not JSON, or absent, is named in the error', (t) => {
  const bad = join(dataRoot, 'broken.json');
  writeFileSync(bad, '{ "losses": [');
  t.throws(() => readSweepConfig(bad), { message: new RegExp(`^${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: not valid JSON`) });
  t.throws(() => readSweepConfig(join(dataRoot, 'nope.json')), { message: /sweep config not found: .*nope\.json/ });
});

test('--only selects runs by loss name, variant label or run id (globs, case-insensitive, repeatable), and refuses a pattern that matches nothing', async (t) => {
  const p = await plan(config());
  const picked = (...patterns: string[]) => p.runs.filter(selectRuns(patterns, p.runs)).map((r) => `${r.variant.label}/${r.seed}`);
  t.deepEqual(picked('softmax'), ['Softmax/1', 'Softmax/2']);
  t.deepEqual(picked('ArcFace (m=0.5, s=32)'), ['ArcFace (m=0.5, s=32)/1', 'ArcFace (m=0.5, s=32)/2']);
  t.deepEqual(picked('*m=0.3*', 'SOFTMAX'), ['Softmax/1', 'Softmax/2', 'ArcFace (m=0.3, s=32)/1', 'ArcFace (m=0.3, s=32)/2']);
  t.deepEqual(picked(p.runs[4]!.id), ['ArcFace (m=0.5, s=32)/1']);
  t.throws(() => selectRuns(['softmax', 'cosface'], p.runs), { message: /--only 'cosface' matches no run; variants: Softmax, ArcFace \(m=0\.3, s=32\), ArcFace \(m=0\.5, s=32\)/ });
});

test('a folds axis: one run per loss × test fold × seed, each holding its fold out, with its own id', async (t) => {
  const p = await plan(folds({ seeds: [1, 2] }));
  t.deepEqual(p.folds, { dataset: 'lfw-faceapi-256-pairs', test: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
  t.is(p.runs.length, 2 * 10 * 2);
  const run = p.runs[5]!; // softmax, fold 3, seed 2
  t.is(run.fold, 3);
  t.is(run.seed, 2);
  t.deepEqual(run.definition.holdout, { dataset: 'lfw-faceapi-256-pairs', fold: 3 });
  t.is(run.id, `softmax-${definitionHash(run.definition)}`);
  t.is(new Set(p.runs.map((r) => r.id)).size, 40);
  // Without folds, a definition has no holdout key at all, so ids of earlier sweeps stay as they were.
  t.false('holdout' in (await plan(config())).runs[0]!.definition);
});

test('listed folds are checked against the pairs file once it is there', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-sweep-folds-'));
  writeFeatureFixture(root, { folds: 4 });
  const withFixture = async (json: unknown) => planSweep(parseSweepConfig(json, FILE), { dataRoot: root });
  t.deepEqual((await withFixture(folds())).folds!.test, [1, 2, 3, 4]);
  t.deepEqual((await withFixture(folds({ folds: { dataset: 'lfw-faceapi-256-pairs', test: [4, 2] } }))).runs.map((r) => r.fold), [4, 2, 4, 2]);
  const e = await t.throwsAsync(withFixture(folds({ folds: { dataset: 'lfw-faceapi-256-pairs', test: [2, 5] } })));
  t.regex(e!.message, /folds\.test\[1\]: .*pairs\.txt: fold 5 is out of range: the file has 4 folds \(1–4\)/);
});
