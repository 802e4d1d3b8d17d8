import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { createBackbone, type LoadedBackbonePlugin } from '../plugins/backbones/registry.js';
import type { TrainSet } from '../data/readers/train-set.js';
import { initEngine, type BackendChoice, type EngineInfo } from '../engine/backend-choice.js';
import { UserError } from '../core/errors.js';
import type { LossHead } from '../plugins/losses/contract.js';
import { createLossHead, type LoadedLossPlugin } from '../plugins/losses/registry.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import { definitionHash, type RunHandle, type RunState } from '../run-store/run-store.js';
import { BatchOrder, loadTrainingBatch } from './batch-order.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { RunConfig, RunDefinition } from '../run-store/run-definition.js';
import { learningRate } from './lr-schedule.js';
import { measureAngles, recordSnapshot, snapshotSteps } from './angle-snapshots.js';
import { convergenceVerdict, type ConvergenceVerdict } from './convergence.js';
import { MomentumSgd } from './sgd.js';
import { lossAndGradients, trainableVariables } from './train-step.js';
import { checkHeadWeights, firstStepLogitsCheck } from './head-output-check.js';
import { divergedReason, interruptedReason } from './outcome-reasons.js';

/** The one training loop every loss goes through. */
export interface TrainRequest {
  run: RunHandle;
  definition: RunDefinition;
  loss: LoadedLossPlugin;
  backbone: LoadedBackbonePlugin;
  trainSet: TrainSet;
  /** The data root the training set was read from (stored in config.json so that --resume finds it again). */
  dataRoot?: string;
  backend: BackendChoice;
  /** Why this backend, when the caller chose it (a resumed run keeps its backend); else the engine's own reason. */
  backendNote?: string;
  progress: ProgressMode;
  /** Continue from the run's checkpoint instead of starting over. */
  resume: boolean;
  /** Human-readable notes (backend choice, resume point); stderr by default. */
  log?: (line: string) => void;
}

export interface TrainOutcome {
  state: RunState;
  /** Completed steps. */
  step: number;
  reason?: string;
  /** Whether the finished run converged, by the stated criterion (absent unless the run is done). */
  convergence?: ConvergenceVerdict;
  engine: EngineInfo;
}

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Parts {
  model: tf.LayersModel;
  head: LossHead;
  variables: tf.Variable[];
  optimizer: MomentumSgd;
}

function build(req: TrainRequest): Parts & { config: Omit<RunConfig, 'engine'> } {
  const { definition: def, trainSet } = req;
  const seed = def.train.seed;
  const { model, params: backboneParams } = createBackbone(req.backbone.plugin, def.backbone.params, {
    inputShape: trainSet.shape,
    embeddingDim: def.train.embeddingDim,
    seed,
  });
  const { head, params: lossParams } = createLossHead(req.loss.plugin, def.loss.params, {
    numClasses: trainSet.numClasses,
    embeddingDim: def.train.embeddingDim,
    seed,
  });
  checkHeadWeights(req.loss, head, def.train.embeddingDim, trainSet.numClasses);
  const variables = trainableVariables(model, head);
  const optimizer = new MomentumSgd(variables, def.train.momentum, def.train.weightDecay);
  return {
    model,
    head,
    variables,
    optimizer,
    config: {
      key: definitionHash(def),
      definition: def,
      resolved: { lossParams, backboneParams },
      sources: { loss: req.loss.source, backbone: req.backbone.source },
      ...(req.dataRoot === undefined ? {} : { dataRoot: resolve(req.dataRoot) }),
      dataset: { name: trainSet.name, numClasses: trainSet.numClasses, size: trainSet.size, shape: trainSet.shape, ...(trainSet.skippedImages ? { skippedImages: trainSet.skippedImages } : {}) },
      versions: { node: process.version, facelossbench: packageVersion },
      command: process.argv.slice(2),
      createdAt: new Date().toISOString(),
    },
  };
}

/**
 * One forward and backward pass on two random images, leaving every weight and state as it was: run on each
 * candidate backend before training so that a missing kernel is found now, not at step 1000.
 */
function kernelProbe(parts: Parts, [h, w, c]: TrainSet['shape'], numClasses: number): () => void {
  return () => {
    const saved = parts.model.weights.map((w) => tf.keep(tf.clone(w.read())));
    const headState = parts.head.state();
    try {
      const images = tf.randomNormal([2, h, w, c]) as tf.Tensor4D;
      const labels = tf.tensor1d([0, Math.min(1, numClasses - 1)], 'int32');
      const { grads } = lossAndGradients(parts.model, parts.head, parts.variables, images, labels, 0);
      tf.dispose(grads);
    } finally {
      parts.model.weights.forEach((w, i) => w.write(saved[i]!));
      tf.dispose(saved);
      parts.head.load(headState);
    }
  };
}

export async function train(req: TrainRequest): Promise<TrainOutcome> {
  const log = req.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { run, definition: def, trainSet } = req;
  const s = def.train;
  const parts = build(req);
  const engine = await initEngine(req.backend, kernelProbe(parts, trainSet.shape, trainSet.numClasses));
  log(`backend: ${engine.backend} (${req.backendNote ?? engine.reason})`);

  let startStep = 0;
  // The step of the newest checkpoint on disk (null: none yet), so that a divergence says what is kept.
  let checkpointStep: number | null = null;
  // Loss and hits since the last metrics line; checkpointed, so a resumed run logs the same numbers.
  let window = { loss: 0, correct: 0, correctMargin: 0, seen: 0 };
  if (req.resume) {
    if (!hasCheckpoint(run.checkpointDir)) throw new UserError(`${run.dir}: no checkpoint to resume from`);
    const progress = loadCheckpoint(run.checkpointDir, parts);
    startStep = progress.step;
    checkpointStep = startStep;
    window = { ...window, ...(progress.loop.window as typeof window | undefined) };
    run.truncateMetricsAfter(startStep);
    log(`resuming ${run.dir} from step ${startStep}`);
  } else {
    run.writeConfig({ ...parts.config, engine });
    run.truncateMetricsAfter(0); // a fresh start: no lines from an earlier run in this directory
  }
  run.writeStatus({ state: 'running', step: startStep });

  const order = new BatchOrder(trainSet.size, s.batchSize, s.seed);
  const [h, w, c] = trainSet.shape;
  const loadBatch = (step: number) => loadTrainingBatch(trainSet, order, step, s.flip);

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const bar = startProgress(`train ${def.loss.name}`, s.steps, req.progress);
  bar.update(startStep);
  let windowStarted = Date.now();
  // Images trained since windowStarted. Not the window's `seen`: after a resume mid-window that also counts the
  // images from before the interruption, which would overstate the speed of the first line.
  let timedImages = 0;
  let next = startStep < s.steps ? loadBatch(startStep) : null;
  const snapshots = new Set(snapshotSteps(s.steps));
  let outcome: Omit<TrainOutcome, 'engine'> = { state: 'done', step: s.steps };
  let current = startStep;
  const checkFirstStep = firstStepLogitsCheck(req.loss, { batchSize: s.batchSize, numClasses: trainSet.numClasses, checkFinite: startStep === 0 });

  try {
    for (let step = startStep; step < s.steps; step++) {
      current = step;
      const batch = await next!;
      next = step + 1 < s.steps ? loadBatch(step + 1) : null; // the next batch decodes while this one computes
      // tfjs draws unseeded randomness (e.g. dropout masks) from Math.random: seed it per step for reproducibility.
      seedrandom(`math-random:${s.seed}:${step}`, { global: true });
      const lr = learningRate(step, s);
      const result = tf.tidy(() => {
        const images = tf.tensor4d(batch.pixels, [s.batchSize, h, w, c]);
        const labels = tf.tensor1d(batch.labels, 'int32');
        const r = lossAndGradients(parts.model, parts.head, parts.variables, images, labels, step, step === startStep ? checkFirstStep : undefined);
        if (Number.isFinite(r.loss)) parts.optimizer.apply(r.grads, lr);
        return { loss: r.loss, correct: r.correct, correctMargin: r.correctMargin };
      });
      if (!Number.isFinite(result.loss)) {
        outcome = { state: 'diverged', step, reason: divergedReason(result.loss, step + 1, checkpointStep) };
        break;
      }
      window.loss += result.loss * s.batchSize;
      window.correct += result.correct;
      window.correctMargin += result.correctMargin;
      window.seen += s.batchSize;
      timedImages += s.batchSize;
      const done = step + 1;
      if (done % s.logEvery === 0 || done === s.steps) {
        const seconds = (Date.now() - windowStarted) / 1000;
        run.appendMetrics({
          step: done,
          loss: window.loss / window.seen,
          acc: window.correct / window.seen,
          accMargin: window.correctMargin / window.seen,
          lr,
          imagesPerSec: timedImages / Math.max(seconds, 1e-6),
          ...parts.head.diagnostics(),
        });
        window = { loss: 0, correct: 0, correctMargin: 0, seen: 0 };
        run.writeStatus({ state: 'running', step: done });
        windowStarted = Date.now();
        timedImages = 0;
      }
      bar.update(done, `batch loss ${result.loss.toFixed(3)}`);
      if (snapshots.has(done)) recordSnapshot(run, await measureAngles(parts.model, parts.head, trainSet, s.batchSize, done));
      if (done % s.checkpointEvery === 0 || done === s.steps || interrupted) {
        await saveCheckpoint(run.checkpointDir, parts, done, { window });
        checkpointStep = done;
      }
      if (interrupted && done < s.steps) {
        outcome = { state: 'interrupted', step: done, reason: interruptedReason(run.dir) };
        break;
      }
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    run.writeStatus({ state: 'failed', step: current, reason });
    throw e;
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
  if (outcome.state === 'done') outcome.convergence = convergenceVerdict(run.readMetrics(), s.steps, trainSet.numClasses);
  run.writeStatus({ state: outcome.state, step: outcome.step, reason: outcome.reason, convergence: outcome.convergence });
  dispose(parts);
  return { ...outcome, engine };
}

function dispose(parts: Parts): void {
  parts.optimizer.dispose();
  parts.head.dispose();
  parts.model.dispose();
}
