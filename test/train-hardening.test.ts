import test from 'ava';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { checkLossPlugin } from '../harness/plugins/losses/conformance.js';
import { findLossPlugin } from '../harness/plugins/losses/registry.js';
import { runAt, type RunStatus } from '../harness/run-store/run-store.js';
import type { RunDefinition } from '../harness/run-store/run-definition.js';
import { memoryTrainSet, withReadHook } from './helpers/memory-train-set.js';
import { writeUserPlugin } from './helpers/user-plugins.js';
import { smallRun, trainQuietly } from './helpers/quiet-training.js';

// 12 identities × 8 images; batches of 16: a head's logits must be 16×12.
const set = memoryTrainSet({ identities: 12, perIdentity: 8 });
const tmp = () => mkdtempSync(join(tmpdir(), 'flb-train-hardening-'));

function definition(loss: string, steps: number, extra: Partial<RunDefinition['train']> = {}): RunDefinition {
  return smallRun(loss, 'memory-synth', { steps, batchSize: 16, embeddingDim: 16, logEvery: 5, checkpointEvery: 5, lr: 0.05, ...extra }, 32);
}

async function runTraining(dir: string, lossFile: string, def: RunDefinition, trainSet = set) {
  return trainQuietly(dir, def, trainSet, { lossPlugin: lossFile });
}

test.serial('a head with the wrong logit shape fails at the first step, before any update, in the conformance suite\'s words', async (t) => {
  const file = writeUserPlugin('two-logits');
  const dir = tmp();
  const error = await t.throwsAsync(runTraining(dir, file, definition('two-logits', 20)), { instanceOf: UserError });
  // Batch 16, 12 classes: the head must give 16×12; this one gives 16×2.
  t.is(
    error!.message,
    `loss plugin 'two-logits' (${file}) at its first training step: output shapes: logits are 16×2, expected 16×12 (N×C: a row per sample, a column per class); \`flb plugins check ${file}\` runs every conformance check`,
  );
  const status = runAt(dir).readStatus() as RunStatus;
  t.like(status, { state: 'failed', step: 0 });
  t.false(existsSync(join(dir, 'checkpoint')), 'nothing was trained, so nothing was checkpointed');
  // `flb plugins check` words the same check the same way (its own batch is 8 samples of 10 classes).
  const shapes = checkLossPlugin((await findLossPlugin(file)).plugin).find((r) => r.name === 'output shapes')!;
  t.false(shapes.ok);
  t.is(shapes.detail, 'logits are 8×2, expected 8×10 (N×C: a row per sample, a column per class)');
});

test.serial('a loss that turns NaN before the first checkpoint does not claim a checkpoint is kept', async (t) => {
  const file = writeUserPlugin('explodes'); // NaN from step index 3, i.e. the 4th step
  const none = await runTraining(tmp(), file, definition('explodes', 20, { checkpointEvery: 10 }));
  t.is(none.state, 'diverged');
  t.is(none.reason, 'loss became NaN at step 4; no checkpoint had been written yet, so nothing is kept; the same command starts it over');
  const kept = await runTraining(tmp(), file, definition('explodes', 20, { checkpointEvery: 2 }));
  t.is(kept.reason, 'loss became NaN at step 4; the last good checkpoint (step 2) is kept');
});

test.serial('status.json follows the run: its step is the last metrics line\'s while training goes on', async (t) => {
  const dir = tmp();
  const seen: number[] = [];
  // Batch k is read before step k runs (the next one is prefetched while the current one computes): when batch 8
  // is read, steps 1–6 have finished at least, so the metrics line of step 5 and its status have been written.
  const hooked = withReadHook(set, (call) => {
    if (call === 8) seen.push((JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as RunStatus).step);
  });
  const outcome = await runTraining(dir, 'cosface', definition('cosface', 12, { logEvery: 5, checkpointEvery: 100 }), hooked);
  t.is(outcome.state, 'done');
  t.deepEqual(seen, [5]);
});
