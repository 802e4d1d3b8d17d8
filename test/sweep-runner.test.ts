import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { findLossPlugin } from '../harness/plugins/losses/registry.js';
import { FileRunStore, type RunHandle } from '../harness/run-store/run-store.js';
import { buildLeaderboard } from '../harness/sweep/leaderboard-build.js';
import type { Leaderboard } from '../harness/run-store/leaderboard.js';
import type { SweepStages } from '../harness/sweep/run-stages.js';
import { parseSweepConfig } from '../harness/sweep/sweep-config.js';
import { planSweep, type SweepPlan } from '../harness/sweep/sweep-plan.js';
import { runSweep, type SweepOutcome } from '../harness/sweep/sweep-runner.js';
import { train } from '../harness/training/trainer.js';
import { memoryTrainSet, withReadHook } from './helpers/memory-train-set.js';
import { TEST_BACKEND } from './helpers/test-backend.js';

/**
 * The runner with real training (a tiny MLP on an in-memory face set) and a stand-in evaluation whose numbers
 * are a digest of the trained weights: a resumed run that ended with different weights would show up as a
 * different leaderboard.
 */
const trainSet = memoryTrainSet({ identities: 12, perIdentity: 8 });
const dataRoot = mkdtempSync(join(tmpdir(), 'flb-sweep-data-'));
const pluginDir = mkdtempSync(join(tmpdir(), 'flb-sweep-plugins-'));
writeFileSync(
  join(pluginDir, 'explodes.ts'),
  `import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'explodes',
  title: 'Explodes',
  params: {},
  createHead: (ctx) => cosineHead(ctx, { scale: (batch) => (batch.training && batch.step >= 3 ? NaN : 10) }),
});
`,
);

function configJson(losses: unknown[]) {
  return {
    name: 'runner-test',
    train: {
      dataset: 'synth-tiny',
      backbone: { name: 'mlp', params: { hidden: 32 } },
      steps: 10,
      batchSize: 16,
      lr: 0.05,
      embeddingDim: 16,
      logEvery: 5,
      checkpointEvery: 5,
    },
    seeds: [1, 2],
    losses,
    evaluate: ['synth-tiny-lfw', 'synth-tiny-megaface'],
    plugins: [join(pluginDir, 'explodes.ts')],
  };
}

const plainLosses = ['cosface', { loss: 'arcface', params: { m: [0.3, 0.5] } }];

async function plan(losses: unknown[] = plainLosses): Promise<SweepPlan> {
  return planSweep(parseSweepConfig(configJson(losses), join(pluginDir, 'runner-test.json')), { dataRoot });
}

interface Faults {
  /** Throw from the training set's reader on this read of this run. */
  crashTraining?: { run: string; atRead: number };
  /** Ctrl-C during this read of this run. */
  interruptTraining?: { run: string; atRead: number };
  failEvaluation?: { run: string; dataset: string };
}

function stages(faults: Faults = {}) {
  const calls = { train: [] as string[], evaluate: [] as string[] };
  const impl: SweepStages = {
    async train({ run, definition, resume }) {
      calls.train.push(`${run.id}${resume ? ' (resume)' : ''}`);
      let set = trainSet;
      if (faults.crashTraining?.run === run.id) {
        const at = faults.crashTraining.atRead;
        set = withReadHook(trainSet, (call) => {
          if (call === at) throw new Error('disk went away');
        });
      }
      if (faults.interruptTraining?.run === run.id) {
        const at = faults.interruptTraining.atRead;
        set = withReadHook(trainSet, (call) => call === at && process.emit('SIGINT'));
      }
      const outcome = await train({
        run,
        definition,
        loss: await findLossPlugin(definition.loss.name, [join(pluginDir, 'explodes.ts')]),
        backbone: await findBackbonePlugin(definition.backbone.name),
        trainSet: set,
        backend: TEST_BACKEND,
        progress: 'quiet',
        resume,
        log: () => {},
      });
      return { state: outcome.state, step: outcome.step, reason: outcome.reason };
    },
    async evaluate(run, dataset) {
      calls.evaluate.push(`${run.id} ${dataset}`);
      if (faults.failEvaluation?.run === run.id && faults.failEvaluation.dataset === dataset) throw new Error('scoring worker crashed');
      fakeEvaluation(run, dataset);
    },
    async close() {},
  };
  return { calls, impl };
}

/** Numbers that depend on every trained weight and on the logged training loss. */
function fakeEvaluation(run: RunHandle, dataset: string): void {
  const digest = createHash('sha256')
    .update(readFileSync(join(run.checkpointDir, 'weights.bin')))
    .update(String(run.readMetrics().at(-1)?.loss))
    .digest();
  const score = digest.readUInt32BE(0) / 2 ** 32;
  if (dataset.endsWith('-lfw')) run.writeResult('lfw', { protocol: 'lfw', accuracy: score, auc: score, eer: 1 - score });
  else run.writeResult('megaface', { protocol: 'megaface', identification: { '10': score, '100': score / 2 }, verification: { 'tarAtFar1e-6': score / 3 } });
}

async function sweep(p: SweepPlan, dir: string, faults: Faults = {}): Promise<SweepOutcome & { calls: { train: string[]; evaluate: string[] } }> {
  const { calls, impl } = stages(faults);
  const outcome = await runSweep(p, { store: new FileRunStore(dir), stages: impl, progress: 'quiet', log: () => {} });
  return { ...outcome, calls };
}

const at = new Date('2026-01-01T00:00:00Z');
const board = (p: SweepPlan, dir: string): Leaderboard => buildLeaderboard(p, new FileRunStore(dir), at);
const tmp = () => mkdtempSync(join(tmpdir(), 'flb-sweep-'));

let straight: Promise<Leaderboard> | undefined;
/** The leaderboard of the same sweep run once without interruption. */
function uninterrupted(): Promise<Leaderboard> {
  straight ??= (async () => {
    const p = await plan();
    const dir = tmp();
    const outcome = await sweep(p, dir);
    if (outcome.results.some((r) => r.result !== 'done')) throw new Error('the uninterrupted sweep did not finish');
    return board(p, dir);
  })();
  return straight;
}

test.serial('the uninterrupted sweep: every variant × seed trained and evaluated once, leaderboard rows in config order', async (t) => {
  const lb = await uninterrupted();
  t.deepEqual(lb.rows.map((r) => r.variant), ['CosFace', 'ArcFace (m=0.3)', 'ArcFace (m=0.5)']);
  for (const row of lb.rows) {
    t.deepEqual(row.seeds, { planned: 2, done: 2, diverged: 0, failed: 0 });
    t.is(row.runs.length, 2);
    t.is(row.metrics['lfw.accuracy']?.n, 2);
  }
  t.deepEqual(lb.rows[1]!.params, { m: 0.3 });
  t.deepEqual(lb.metrics.map((m) => m.key), [
    'lfw.accuracy',
    'lfw.auc',
    'lfw.eer',
    'megaface.identification.10',
    'megaface.identification.100',
    'megaface.verification.tarAtFar1e-6',
  ]);
});

test.serial('a crashed training and a failed evaluation are recorded, the sweep goes on, and a second invocation completes them to the uninterrupted leaderboard', async (t) => {
  const p = await plan();
  const dir = tmp();
  const [crashRun, evalRun] = [p.runs[1]!.id, p.runs[3]!.id];
  const first = await sweep(p, dir, {
    crashTraining: { run: crashRun, atRead: 9 },
    failEvaluation: { run: evalRun, dataset: 'synth-tiny-megaface' },
  });
  t.false(first.interrupted);
  t.deepEqual(first.results.map((r) => r.result), ['done', 'failed', 'done', 'failed', 'done', 'done'], 'the runs after each failure still ran');

  const partial = board(p, dir);
  const cos = partial.rows[0]!;
  t.deepEqual(cos.seeds, { planned: 2, done: 1, diverged: 0, failed: 1 });
  t.is(cos.failures.length, 1);
  t.is(cos.failures[0]!.run, crashRun);
  t.is(cos.failures[0]!.state, 'failed');
  // Read 9 of the training set falls after the step-5 checkpoint (training batches and angle-snapshot passes both read).
  t.true(cos.failures[0]!.step >= 5 && cos.failures[0]!.step < 10, `failed mid-training, at step ${cos.failures[0]!.step}`);
  t.regex(cos.failures[0]!.reason, /^train: disk went away/);
  t.is(cos.metrics['lfw.accuracy']?.n, 1, 'only the finished seed is averaged');
  const arc = partial.rows[1]!;
  t.deepEqual(arc.failures.map((f) => [f.run, f.state, f.step, f.reason]), [[evalRun, 'failed', 10, 'evaluate synth-tiny-megaface: scoring worker crashed']]);

  const second = await sweep(p, dir);
  t.deepEqual(second.calls.train, [`${crashRun} (resume)`], 'only the crashed training is redone, from its checkpoint');
  t.deepEqual(second.calls.evaluate, [`${crashRun} synth-tiny-lfw`, `${crashRun} synth-tiny-megaface`, `${evalRun} synth-tiny-megaface`]);
  t.deepEqual(board(p, dir), await uninterrupted());

  const third = await sweep(p, dir);
  t.deepEqual([third.calls.train, third.calls.evaluate], [[], []], 'a finished sweep does nothing when run again');
  t.true(third.results.every((r) => r.result === 'skipped'));
});

test.serial('Ctrl-C in the middle of a training stops the sweep; running it again resumes that run and gives the uninterrupted leaderboard', async (t) => {
  const p = await plan();
  const dir = tmp();
  const stopRun = p.runs[2]!.id;
  const first = await sweep(p, dir, { interruptTraining: { run: stopRun, atRead: 6 } });
  t.true(first.interrupted);
  t.deepEqual(first.results.map((r) => r.result), ['done', 'done', 'interrupted']);
  t.false(existsSync(join(dir, p.runs[3]!.id)), 'nothing after the interrupted run was started');

  const second = await sweep(p, dir);
  t.false(second.interrupted);
  t.deepEqual(second.calls.train, [`${stopRun} (resume)`, ...p.runs.slice(3).map((r) => r.id)]);
  t.deepEqual(board(p, dir), await uninterrupted());
});

test.serial('a diverging loss is recorded with its step, the other losses finish, and it is not retrained on the next invocation', async (t) => {
  const p = await plan(['explodes', 'cosface']);
  const dir = tmp();
  const first = await sweep(p, dir);
  t.deepEqual(first.results.map((r) => r.result), ['diverged', 'diverged', 'done', 'done']);
  const lb = board(p, dir);
  const exploded = lb.rows[0]!;
  t.deepEqual(exploded.seeds, { planned: 2, done: 0, diverged: 2, failed: 0 });
  t.deepEqual(exploded.metrics, {});
  t.deepEqual(exploded.failures.map((f) => [f.state, f.step]), [['diverged', 3], ['diverged', 3]]);
  t.regex(exploded.failures[0]!.reason, /loss became NaN at step 4/);
  t.deepEqual(lb.rows[1]!.seeds, { planned: 2, done: 2, diverged: 0, failed: 0 });

  const again = await sweep(p, dir);
  t.deepEqual([again.calls.train, again.calls.evaluate], [[], []]);
  t.deepEqual(board(p, dir), lb);
});
