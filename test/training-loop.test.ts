import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { initEngine, type BackendChoice } from '../harness/engine/backend-choice.js';
import type { TrainSet } from '../harness/data/readers/train-set.js';
import { findLossPlugin } from '../harness/plugins/losses/registry.js';
import type { AnglesArtefact } from '../harness/run-store/angles.js';
import { runAt } from '../harness/run-store/run-store.js';
import type { RunConfig, RunDefinition } from '../harness/run-store/run-definition.js';
import { learningRate } from '../harness/training/lr-schedule.js';
import { DEFAULT_TRAIN_SETTINGS } from '../harness/run-store/train-settings.js';
import { train } from '../harness/training/trainer.js';
import { memoryTrainSet, withReadHook } from './helpers/memory-train-set.js';
import { TEST_BACKEND } from './helpers/test-backend.js';
import { webgpuTest } from './helpers/webgpu.js';

const set = memoryTrainSet({ identities: 12, perIdentity: 8 });

function definition(loss: string, steps: number, extra: Partial<RunDefinition['train']> = {}): RunDefinition {
  return {
    loss: { name: loss, params: {} },
    backbone: { name: 'mlp', params: { hidden: 64 } },
    dataset: 'memory-synth',
    train: { ...DEFAULT_TRAIN_SETTINGS, steps, batchSize: 16, embeddingDim: 32, logEvery: 5, checkpointEvery: 5, lr: 0.05, ...extra },
  };
}

async function runTraining(dir: string, def: RunDefinition, trainSet: TrainSet = set, resume = false, backend: BackendChoice = TEST_BACKEND) {
  return train({
    run: runAt(dir),
    definition: def,
    loss: await findLossPlugin(def.loss.name),
    backbone: await findBackbonePlugin(def.backbone.name),
    trainSet,
    backend,
    progress: 'quiet',
    resume,
    log: () => {},
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'flb-train-'));
const bytes = (dir: string, file: string) => readFileSync(join(dir, 'checkpoint', file));

test('learning-rate schedules: warm-up, step decay at milestones, cosine to zero', (t) => {
  const s = { lr: 0.1, steps: 100, warmupSteps: 10, milestones: [0.5, 0.75], decayFactor: 0.1 };
  t.is(learningRate(0, { ...s, schedule: 'step' }), 0.01);
  t.is(learningRate(9, { ...s, schedule: 'step' }), 0.1);
  t.is(learningRate(49, { ...s, schedule: 'step' }), 0.1);
  t.true(Math.abs(learningRate(50, { ...s, schedule: 'step' }) - 0.01) < 1e-12);
  t.true(Math.abs(learningRate(80, { ...s, schedule: 'step' }) - 0.001) < 1e-12);
  t.true(Math.abs(learningRate(55, { ...s, schedule: 'cosine' }) - 0.05) < 1e-12);
  t.true(learningRate(100, { ...s, schedule: 'cosine' }) < 1e-12);
});

test.serial('a run trains with falling loss and writes config, metrics with diagnostics, checkpoint and status', async (t) => {
  const dir = tmp();
  const outcome = await runTraining(dir, definition('adacos-dynamic', 40));
  t.is(outcome.state, 'done');
  t.is(outcome.step, 40);
  const run = runAt(dir);
  t.is(run.readStatus()?.state, 'done');
  const config = run.readConfig<RunConfig>();
  t.is(config.engine.backend, TEST_BACKEND);
  t.is(config.dataset.numClasses, 12);
  t.is(config.definition.loss.name, 'adacos-dynamic');
  const metrics = run.readMetrics();
  t.deepEqual(metrics.map((m) => m.step), [5, 10, 15, 20, 25, 30, 35, 40]);
  for (const key of ['loss', 'acc', 'accMargin', 'lr', 'imagesPerSec', 'scale', 'thetaMedDeg', 'thetaMeanDeg', 'thetaNonTargetMeanDeg']) {
    t.true(metrics.every((m) => typeof m[key] === 'number' && Number.isFinite(m[key] as number)), `metric ${key}`);
  }
  t.true((metrics.at(-1)!.loss as number) < (metrics[0]!.loss as number) * 0.8, 'loss falls');
  // Dynamic AdaCos moves its scale away from √2·ln(C − 1) as the angles tighten.
  const scales = metrics.map((m) => m.scale as number);
  t.true(new Set(scales.map((s) => s.toFixed(4))).size > 1, 'the scale changes over training');
  t.true(existsSync(join(dir, 'checkpoint', 'model.json')) && existsSync(join(dir, 'checkpoint', 'head.bin')));
  const angles = JSON.parse(readFileSync(join(dir, 'angles.json'), 'utf8')) as AnglesArtefact;
  t.is(angles.images, 96);
  t.is(angles.thetaTargetDeg.length, 96);
  t.true(angles.thetaTargetDeg.every((a) => a >= 0 && a <= 180));
  // Snapshots at 25, 50, 75 and 100% of 40 steps; each with every image's θ_y and the other 11 classes' angles.
  t.deepEqual(angles.snapshots.map((a) => a.step), [10, 20, 30, 40]);
  for (const snap of angles.snapshots) {
    t.is(snap.thetaTargetDeg.length, 96);
    t.is(snap.nonTargetHistogram!.counts.reduce((a, b) => a + b, 0), 96 * 11);
  }
  t.deepEqual(angles.snapshots.at(-1)!.thetaTargetDeg, angles.thetaTargetDeg);
  // The verdict from the metrics just read: the lines after step 36 (the last 10% of 40 steps) are the one at 40.
  const verdict = run.readStatus()!.convergence!;
  t.is(verdict.thetaMedDeg, metrics.at(-1)!.thetaMedDeg as number);
  t.is(verdict.trainAccuracy, metrics.at(-1)!.acc as number);
  t.is(verdict.converged, verdict.thetaMedDeg! <= 65);
  t.is(outcome.convergence?.converged, verdict.converged);
});

test.serial('resume after an interruption or a crash ends with the same weights as an uninterrupted run', async (t) => {
  const def = definition('arcface', 20, { checkpointEvery: 5 });
  const straight = tmp();
  await runTraining(straight, def);

  // Ctrl-C during the batch of step 12: the run checkpoints where it is and stops.
  const interrupted = tmp();
  const stop = await runTraining(interrupted, def, withReadHook(set, (call) => call === 12 && process.emit('SIGINT')));
  t.is(stop.state, 'interrupted');
  t.true(stop.step > 0 && stop.step < 20);
  const resumed = await runTraining(interrupted, def, set, true);
  t.is(resumed.state, 'done');

  // A crash at step 13: the checkpoint of step 10 is what is left.
  const crashed = tmp();
  const failing = withReadHook(set, (call) => {
    if (call === 13) throw new Error('disk went away');
  });
  await t.throwsAsync(runTraining(crashed, def, failing), { message: /disk went away/ });
  t.is(runAt(crashed).readStatus()?.state, 'failed');
  await runTraining(crashed, def, set, true);

  for (const dir of [interrupted, crashed]) {
    t.true(bytes(straight, 'weights.bin').equals(bytes(dir, 'weights.bin')), 'backbone weights identical');
    t.true(bytes(straight, 'head.bin').equals(bytes(dir, 'head.bin')), 'class weights identical');
    t.true(bytes(straight, 'optimizer.bin').equals(bytes(dir, 'optimizer.bin')), 'momentum buffers identical');
    t.deepEqual(
      runAt(dir).readMetrics().map((m) => [m.step, m.loss]),
      runAt(straight).readMetrics().map((m) => [m.step, m.loss]),
      'metrics identical after the resumed part rewrote them',
    );
  }
});

webgpuTest('a short run trains with falling loss and records the adapter it ran on', async (t) => {
  const dir = tmp();
  const outcome = await runTraining(dir, definition('adacos-dynamic', 40), set, false, 'webgpu');
  t.is(outcome.state, 'done');
  const config = runAt(dir).readConfig<RunConfig>();
  t.is(config.engine.backend, 'webgpu');
  t.is(typeof config.engine.adapter?.software, 'boolean');
  t.regex(config.engine.reason, /^requested with --backend webgpu; on the (software adapter|GPU) /);
  const metrics = runAt(dir).readMetrics();
  t.true((metrics.at(-1)!.loss as number) < (metrics[0]!.loss as number) * 0.8, 'loss falls');
  t.true(new Set(metrics.map((m) => (m.scale as number).toFixed(4))).size > 1, 'the scale changes over training');
  await initEngine('cpu');
});

webgpuTest('a run interrupted and resumed ends with the bytes of an uninterrupted one', async (t) => {
  const def = definition('arcface', 12, { checkpointEvery: 4 });
  const straight = tmp();
  await runTraining(straight, def, set, false, 'webgpu');
  const interrupted = tmp();
  const stop = await runTraining(interrupted, def, withReadHook(set, (call) => call === 7 && process.emit('SIGINT')), false, 'webgpu');
  t.is(stop.state, 'interrupted');
  await runTraining(interrupted, def, set, true, 'webgpu');
  for (const file of ['weights.bin', 'head.bin', 'optimizer.bin']) t.true(bytes(straight, file).equals(bytes(interrupted, file)), file);
  await initEngine('cpu');
});

test.serial('the newer losses with state or per-step draws resume to the same bytes as an uninterrupted run', async (t) => {
  // CurricularFace's t and AdaFace's norm statistics come back from the checkpoint; ElasticFace's margins are
  // drawn from the seed and the step, so the resumed steps draw what the uninterrupted run drew.
  for (const loss of ['curricularface', 'adaface', 'elasticface-arc']) {
    const def = definition(loss, 12, { checkpointEvery: 5 });
    const straight = tmp();
    await runTraining(straight, def);
    const crashed = tmp();
    const failing = withReadHook(set, (call) => {
      if (call === 8) throw new Error('disk went away');
    });
    await t.throwsAsync(runTraining(crashed, def, failing), { message: /disk went away/ });
    await runTraining(crashed, def, set, true);
    for (const file of ['weights.bin', 'head.bin', 'optimizer.bin', 'progress.json']) {
      t.true(bytes(straight, file).equals(bytes(crashed, file)), `${loss}: ${file} identical`);
    }
  }
});
