import { hasCheckpoint } from '../training/checkpoint.js';
import { startProgress, type Progress, type ProgressMode } from '../core/progress.js';
import type { RunHandle, RunState, RunStore } from '../run-store/run-store.js';
import { isFinished, runWork, storedResult, type RunWork } from './run-work.js';
import type { SweepStages } from './run-stages.js';
import { runLabel, type PlannedRun, type SweepPlan } from './sweep-plan.js';

/**
 * Runs every selected run of a plan through its remaining stages, one run after another. A stage that throws
 * marks its run failed (reason and step in status.json) and the sweep goes on with the next run; Ctrl-C during
 * training stops the sweep after the trainer's checkpoint, and the next invocation continues where it stopped.
 */
export interface SweepRunOptions {
  store: RunStore;
  stages: SweepStages;
  /** --only: which planned runs to advance (default all). */
  select?: (run: PlannedRun) => boolean;
  progress: ProgressMode;
  log: (line: string) => void;
  /** Called after each run that did some work, e.g. to refresh the leaderboard. */
  afterRun?: () => void;
}

export type RunResult = RunState | 'skipped';

export interface SweepOutcome {
  /** Stopped by Ctrl-C before the end. */
  interrupted: boolean;
  results: Array<{ run: PlannedRun; result: RunResult }>;
}

/**
 * How much one evaluation weighs in the sweep's progress, as a fraction of the run's training (measured on the
 * demo: ~25 s per dataset against ~120 s of training). Only the ETA within a run depends on it: every run has
 * the same stages, so at run boundaries the ETA is measured, not guessed.
 */
export const EVALUATION_IN_TRAINING_STEPS = 0.2;

export async function runSweep(plan: SweepPlan, opts: SweepRunOptions): Promise<SweepOutcome> {
  const evalUnits = Math.max(1, Math.round(plan.config.train.steps * EVALUATION_IN_TRAINING_STEPS));
  const todo = plan.runs
    .filter(opts.select ?? (() => true))
    .map((run) => {
      const handle = opts.store.run(run.id);
      return { run, handle, work: runWork(run, handle, plan.evaluate) };
    });
  const total = todo.reduce((n, t) => n + workUnits(t.work, t.run, evalUnits), 0);
  // Line mode: the stages draw their own bars, and one bar cannot be drawn inside another.
  const bar = startProgress(`sweep ${plan.config.name}`, Math.max(total, 1), opts.progress === 'quiet' ? 'quiet' : 'lines', 0);
  const counter = { done: 0, bar, evalUnits };
  const results: SweepOutcome['results'] = [];
  let interrupted = false;
  try {
    for (const [i, item] of todo.entries()) {
      if (isFinished(item.work)) {
        results.push({ run: item.run, result: 'skipped' });
        continue;
      }
      opts.log(`[${i + 1}/${todo.length}] ${runLabel(item.run)} → ${item.handle.dir}`);
      const result = await advanceRun(item.run, item.handle, item.work, opts, counter);
      results.push({ run: item.run, result });
      opts.afterRun?.();
      if (result === 'interrupted') {
        interrupted = true;
        break;
      }
    }
  } finally {
    bar.stop();
  }
  return { interrupted, results };
}

/** Training steps still to run plus the weight of the evaluations still to do. */
export function workUnits(work: RunWork, run: PlannedRun, evalUnits: number): number {
  if (isFinished(work)) return 0;
  const steps = run.definition.train.steps;
  const training = work.training.kind === 'fresh' ? steps : work.training.kind === 'resume' ? steps - work.training.fromStatus.step : 0;
  return training + work.evaluate.length * evalUnits;
}

/** Where a run's progress goes: units of training steps (an evaluation weighs `evalUnits`). */
export interface Counter {
  done: number;
  bar: Progress;
  evalUnits: number;
}

/** One run through its remaining stages; also what a queued run's worker does with its job. */
export async function advanceRun(run: PlannedRun, handle: RunHandle, work: RunWork, opts: Pick<SweepRunOptions, 'stages' | 'log'>, counter: Counter): Promise<RunState> {
  const steps = run.definition.train.steps;
  let stage = 'train';
  const advance = (units: number, info: string) => {
    counter.done += units;
    counter.bar.update(counter.done, info);
  };
  try {
    const training = work.training;
    if (training.kind === 'fresh' || training.kind === 'resume') {
      // Killed before its first checkpoint: nothing to resume from, so it starts over.
      const resume = training.kind === 'resume' && hasCheckpoint(handle.checkpointDir);
      const outcome = await opts.stages.train({ run: handle, definition: run.definition, resume });
      // The same units workUnits counted for this training.
      advance(steps - (training.kind === 'resume' ? training.fromStatus.step : 0), `trained ${runLabel(run)}: ${outcome.state}`);
      if (outcome.state !== 'done') {
        if (outcome.state !== 'interrupted') opts.log(`  ${outcome.state} at step ${outcome.step}: ${outcome.reason ?? ''}`);
        return outcome.state;
      }
    } else if (training.kind === 'complete' && training.failedAfter) {
      // The training's convergence verdict survives the failed evaluation that came after it.
      handle.writeStatus({ state: 'done', step: steps, convergence: handle.readStatus()?.convergence });
    }
    for (const dataset of work.evaluate) {
      stage = `evaluate ${dataset.entry.name}`;
      await opts.stages.evaluate(handle, dataset.entry.name);
      if (storedResult(handle, dataset) === null) throw new Error(`no eval/${dataset.resultName}.json for ${dataset.entry.name} was written`);
      advance(counter.evalUnits, `evaluated ${runLabel(run)} on ${dataset.entry.name}`);
    }
    return 'done';
  } catch (e) {
    const reason = `${stage}: ${firstLine(e)}`;
    // A training failure leaves the trainer's step in status.json; an evaluation failure comes after the last step.
    const step = stage === 'train' ? (handle.readStatus()?.step ?? 0) : steps;
    handle.writeStatus({ state: 'failed', step, reason, convergence: stage === 'train' ? undefined : handle.readStatus()?.convergence });
    opts.log(`  failed at step ${step}: ${reason}`);
    return 'failed';
  }
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!;
}
