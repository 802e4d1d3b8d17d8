import { join } from 'node:path';
import { findBackbonePlugin } from '../../plugins/backbones/registry.js';
import { progressModeFrom } from '../options.js';
import { getDataset } from '../../data/registry/registry.js';
import type { BackendChoice } from '../../engine/backend-choice.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { findLossPlugin } from '../../plugins/losses/registry.js';
import { parseParamFlags } from '../../plugins/params.js';
import { runAt, type RunHandle } from '../../run-store/run-store.js';
import { hasCheckpoint } from '../../training/checkpoint.js';
import { defineRun, type RunRequest } from '../../training/define-run.js';
import { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY } from '../../training/convergence.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../../run-store/train-settings.js';
import { openRunTrainSet } from '../../training/run-train-set.js';
import { train, type TrainOutcome } from '../../training/trainer.js';
import type { Holdout, RunConfig } from '../../run-store/run-definition.js';

/** `flb train`'s flags, as commander parses them (train.ts defines them). */
export interface TrainFlags {
  loss?: string;
  param: string[];
  plugin: string[];
  backbone?: string;
  backbonePlugin: string[];
  backboneParam: string[];
  dataset: string;
  holdout?: Holdout;
  dataRoot?: string;
  steps?: number;
  epochs?: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: TrainSettings['schedule'];
  warmup: number;
  seed: number;
  embeddingDim: number;
  flip: boolean;
  logEvery: number;
  checkpointEvery: number;
  backend?: BackendChoice;
  out?: string;
  resume?: string;
  force?: boolean;
  skipBadImages?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** What `flb train` does once its flags are parsed: a new run, or --resume of one; prints the outcome. */
export async function trainCommand(flags: TrainFlags): Promise<void> {
  const outcome = flags.resume ? await resumeRun(flags) : await newRun(flags);
  if (flags.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
  else if (!flags.quiet || outcome.state !== 'done') process.stderr.write(`${describe(outcome)}\n`);
  process.exitCode = exitCodeOf(outcome.state);
}

type Outcome = Omit<TrainOutcome, 'engine'> & { run: string; backend: string; finalLoss: number | null; finalLossFrom: number | null; finalLossTo: number | null };

async function newRun(flags: TrainFlags): Promise<Outcome> {
  if (!flags.loss) throw new UserError('train: --loss is required (or --resume DIR)');
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UserError('train: give --steps or --epochs, not both');
  const entry = getDataset(flags.dataset, flags);
  const [loss, backbone] = await Promise.all([
    findLossPlugin(flags.loss, flags.plugin),
    findBackbonePlugin(flags.backbone ?? entry.defaultBackbone ?? 'mlp', flags.backbonePlugin),
  ]);
  const request: RunRequest = {
    loss,
    lossParams: parseParamFlags(flags.param),
    backbone,
    backboneParams: parseParamFlags(flags.backboneParam),
    dataset: flags.dataset,
    holdout: flags.holdout,
    train: trainSettings(flags, flags.steps ?? DEFAULT_TRAIN_SETTINGS.steps),
    // A held-out fold trains on fewer people than the registry counts; their number is known once the set is open.
    numClasses: flags.holdout ? undefined : entry.expected?.identities,
  };
  // Parameters are checked here, before the dataset is opened (or generated).
  let { id, definition } = defineRun(request);
  const trainSet = await openRunTrainSet(
    { dataset: flags.dataset, holdout: flags.holdout },
    { dataRoot: flags.dataRoot, progress: progressModeFrom(flags), badImages: flags.skipBadImages ? 'skip' : 'fail' },
  );
  if (trainSet.skippedImages && !flags.quiet && !flags.json) {
    process.stderr.write(`skipping ${trainSet.skippedImages.length} images that cannot be decoded (listed in config.json): ${trainSet.skippedImages.slice(0, 5).join(', ')}${trainSet.skippedImages.length > 5 ? ', …' : ''}\n`);
  }
  if (flags.batchSize > trainSet.size) {
    throw new UserError(`--batch-size ${flags.batchSize} is larger than ${flags.dataset} (${trainSet.size} images)`);
  }
  if (flags.epochs !== undefined) {
    const steps = Math.max(1, Math.ceil((flags.epochs * trainSet.size) / flags.batchSize));
    ({ id, definition } = defineRun({ ...request, train: trainSettings(flags, steps) }));
  }
  const run = runAt(flags.out ?? join('runs', id));
  const status = run.readStatus();
  if (status && status.state !== 'done' && !hasCheckpoint(run.checkpointDir)) {
    // Nothing to resume from (it stopped before its first checkpoint): the same command simply starts it again.
    if (!flags.quiet && !flags.json) process.stderr.write(`${run.dir}: the earlier attempt stopped (${status.state}) before its first checkpoint; starting over\n`);
  } else if (status && !flags.force) {
    if (status.state === 'done') {
      throw new UserError(`${run.dir} already holds a finished run (step ${status.step}); pass --force to train it again`);
    }
    throw new UserError(`${run.dir} holds a ${status.state} run at step ${status.step}; continue it with --resume ${run.dir}, or pass --force to start over`);
  }
  const outcome = await train({
    run,
    definition,
    loss,
    backbone,
    trainSet,
    dataRoot: flags.dataRoot,
    backend: flags.backend ?? 'auto',
    progress: progressModeFrom(flags),
    resume: false,
    log: flags.quiet || flags.json ? () => {} : undefined,
  });
  return summarise(run, outcome);
}

/** The training settings the flags give (steps decided by the caller: from --steps, or from --epochs and the set's size). */
function trainSettings(flags: TrainFlags, steps: number): TrainSettings {
  return {
    ...DEFAULT_TRAIN_SETTINGS,
    steps,
    batchSize: flags.batchSize,
    lr: flags.lr,
    momentum: flags.momentum,
    weightDecay: flags.weightDecay,
    schedule: flags.schedule,
    warmupSteps: flags.warmup,
    seed: flags.seed,
    embeddingDim: flags.embeddingDim,
    flip: flags.flip,
    logEvery: flags.logEvery,
    checkpointEvery: flags.checkpointEvery,
  };
}

async function resumeRun(flags: TrainFlags): Promise<Outcome> {
  const run = runAt(flags.resume!);
  const config = run.readConfig<RunConfig>();
  const def = config.definition;
  const status = run.readStatus();
  if (status?.state === 'done') throw new UserError(`${run.dir} is already finished (step ${status.step})`);
  if (!hasCheckpoint(run.checkpointDir)) {
    // Stopped before its first checkpoint: there is nothing to continue, but the command that started it starts it over.
    throw new UserError(`${run.dir} has no checkpoint to resume from (it stopped at step ${status?.step ?? 0}); the command that started it starts it over: flb ${config.command.join(' ')}`);
  }
  const [loss, backbone] = await Promise.all([
    findLossPlugin(config.sources.loss.includes('/plugins/losses/') ? def.loss.name : config.sources.loss),
    findBackbonePlugin(config.sources.backbone.includes('/plugins/backbones/') ? def.backbone.name : config.sources.backbone),
  ]);
  // The data root and backend the run started with, unless given again: a resumed run ends where an uninterrupted one would.
  const dataRoot = flags.dataRoot ?? config.dataRoot;
  // A run that left bad images out leaves them out again, so that it resumes on the same images.
  const badImages = flags.skipBadImages || config.dataset.skippedImages ? 'skip' : 'fail';
  const trainSet = await openRunTrainSet(def, { dataRoot, progress: progressModeFrom(flags), badImages });
  const outcome = await train({
    run,
    definition: def,
    loss,
    backbone,
    trainSet,
    dataRoot,
    backend: flags.backend ?? (config.engine.backend as BackendChoice),
    backendNote: flags.backend ? undefined : 'the backend this run started on',
    progress: progressModeFrom(flags),
    resume: true,
    log: flags.quiet || flags.json ? () => {} : undefined,
  });
  return summarise(run, outcome);
}

/** The outcome as printed: the final loss is the last metrics line's, a mean over the steps since the line before. */
function summarise(run: RunHandle, outcome: TrainOutcome): Outcome {
  const { engine, ...rest } = outcome;
  const metrics = run.readMetrics();
  const [before, last] = [metrics.at(-2), metrics.at(-1)];
  const finalLoss = typeof last?.loss === 'number' ? last.loss : null;
  return { ...rest, run: run.dir, backend: engine.backend, finalLoss, finalLossFrom: finalLoss === null ? null : (before?.step ?? 0) + 1, finalLossTo: last?.step ?? null };
}

function describe(o: Outcome): string {
  if (o.state === 'done') {
    // The bar shows each batch's loss; this is the mean over the last metrics window, so the two differ.
    const loss = o.finalLoss === null ? '' : `, final loss ${o.finalLoss.toFixed(4)} (mean of steps ${o.finalLossFrom}–${o.finalLossTo}; the bar shows single batches)`;
    return `done: ${o.step} steps on ${o.backend}${loss}${convergenceText(o.convergence)} → ${o.run}`;
  }
  const reason = o.reason ? `: ${o.reason}` : '';
  return `${o.state} at step ${o.step}${reason}${o.reason?.includes(o.run) ? '' : ` (${o.run})`}`;
}

/** "; converged (θ_med 41.2° …)" or "; NOT converged (…)": the verdict with the numbers behind it. */
function convergenceText(v: Outcome['convergence']): string {
  if (!v) return '';
  const theta = v.thetaMedDeg === null ? 'no θ_med logged' : `θ_med ${v.thetaMedDeg.toFixed(1)}°`;
  const numbers = `${theta} over the last 10% of steps, training accuracy ${(100 * v.trainAccuracy).toFixed(1)}%`;
  return v.converged ? `; converged (${numbers})` : `; NOT converged (${numbers}; the criterion is θ_med ≤ ${CONVERGED_THETA_MED_DEG}° or training accuracy ≥ ${100 * CONVERGED_TRAIN_ACCURACY}%): its evaluation numbers say little about the loss`;
}

function exitCodeOf(state: TrainOutcome['state']): number {
  if (state === 'done') return ExitCode.ok;
  if (state === 'diverged') return ExitCode.diverged;
  if (state === 'interrupted') return ExitCode.interrupted;
  return ExitCode.failure;
}
