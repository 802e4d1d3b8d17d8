import test from 'ava';
import { findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { findLossPlugin } from '../harness/plugins/losses/registry.js';
import { DEFAULT_TRAIN_SETTINGS } from '../harness/run-store/train-settings.js';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep } from '../harness/sweep/sweep-plan.js';
import { defineRun } from '../harness/training/define-run.js';

const train = { ...DEFAULT_TRAIN_SETTINGS, steps: 6, batchSize: 32, embeddingDim: 64 };

async function idFor(lossParams: Record<string, string | number>): Promise<string> {
  const [loss, backbone] = await Promise.all([findLossPlugin('arcface'), findBackbonePlugin('mlp')]);
  return defineRun({ loss, lossParams, backbone, backboneParams: {}, dataset: 'synth-tiny', train }).id;
}

test('one run, one key: m=.3, m=0.3, m=3e-1 and a config\'s 0.3 are the same definition; so are a default and its omission', async (t) => {
  const ids = await Promise.all([idFor({ m: '.3' }), idFor({ m: '0.3' }), idFor({ m: '3e-1' }), idFor({ m: 0.3 })]);
  t.is(new Set(ids).size, 1, ids.join(' '));
  // ArcFace's defaults are s = 64, m = 0.5.
  const defaults = await Promise.all([idFor({}), idFor({ m: '0.5' }), idFor({ s: '64', m: 0.5 }), idFor({ s: '6.4e1' })]);
  t.is(new Set(defaults).size, 1, defaults.join(' '));
  t.not(ids[0], defaults[0]);
  t.not(await idFor({ m: '0.31' }), ids[0]);
});

test('the definition holds typed values with every default filled in', async (t) => {
  const [loss, backbone] = await Promise.all([findLossPlugin('arcface'), findBackbonePlugin('mlp')]);
  const { id, definition } = defineRun({ loss, lossParams: { m: '.3' }, backbone, backboneParams: { hidden: '256' }, dataset: 'synth-tiny', train });
  t.deepEqual(definition.loss, { name: 'arcface', params: { s: 64, m: 0.3 } });
  t.is(definition.backbone.params.hidden, 256);
  t.regex(id, /^arcface-[0-9a-f]{12}$/);
});

test('flb sweep plans the same key as the definition flb train builds for the same run', async (t) => {
  const config = parseSweepConfig(
    {
      name: 'same-key',
      train: { dataset: 'synth-tiny', steps: 6, batchSize: 32, embeddingDim: 64 },
      losses: [{ loss: 'arcface', params: { m: 0.3 } }, 'cosface'],
      seeds: [1],
      evaluate: [],
    },
    'same-key.json',
  );
  const plan = await planSweep(config);
  t.is(plan.runs[0]!.id, await idFor({ m: '.3' }));
  const [cosface, backbone] = await Promise.all([findLossPlugin('cosface'), findBackbonePlugin('mlp')]);
  t.is(plan.runs[1]!.id, defineRun({ loss: cosface, lossParams: { m: '0.35' }, backbone, backboneParams: {}, dataset: 'synth-tiny', train }).id);
});

test('a bad parameter is refused by the definition, naming it, before anything else', async (t) => {
  const [loss, backbone] = await Promise.all([findLossPlugin('adacos-fixed'), findBackbonePlugin('mlp')]);
  t.throws(() => defineRun({ loss, lossParams: { nope: '1' }, backbone, backboneParams: {}, dataset: 'x', train }), {
    message: /loss 'adacos-fixed': unknown parameter 'nope'/,
  });
  // AdaCos needs C ≥ 3: checked here when the registry says how many classes the set has.
  t.throws(() => defineRun({ loss, lossParams: {}, backbone, backboneParams: {}, dataset: 'x', train, numClasses: 2 }), { message: /adacos-fixed needs at least 3 classes \(got 2\)/ });
});
