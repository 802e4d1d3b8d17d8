import type { BackendChoice } from '../../engine/backend-choice.js';
import type { RunStatus } from '../../run-store/run-store.js';
import { runLabel, type PlannedRun, type SweepPlan } from '../sweep-plan.js';

/**
 * One job of a queued sweep: one run of the plan, trained, embedded and evaluated by whichever worker takes it.
 * Its id is the run's key, so enqueueing the same run again finds the job already there.
 */

/** Every queued sweep shares this queue; separate setups on one Redis use separate databases (redis://HOST/2). */
export const QUEUE_NAME = 'flb-runs';

/**
 * A job whose process crashed (killed for memory, a native backend's segfault) is tried this many times in
 * all, a back-off apart; a run that fails or diverges is a result, not a crash, and is not retried.
 */
export const JOB_ATTEMPTS = 3;
export const CRASH_BACKOFF_MS = 10_000;
/** How often a job may return to the queue because its worker died (its lock expired) before it is failed. */
export const MAX_STALLED = 2;

/** The job data's layout: a worker refuses another (a sweep command of another version) instead of misreading it. */
export const JOB_FORMAT = 1;

export interface RunJobData {
  format: typeof JOB_FORMAT;
  sweep: {
    name: string;
    /** The sweep folder, absolute, as the sweep command's machine sees it. */
    dir: string;
  };
  /** The study config as written, and where it was: the worker plans the run from it, as the sweep command did. */
  config: { file: string; raw: unknown };
  /** The backend the sweep command was told to use (its --backend, else the config's). */
  backend: BackendChoice;
  /** The config's `losses` entry this run's variant comes from. */
  lossEntry: number;
  /** The file of a user's loss plugin, which must exist at this path on the worker; null for a built-in loss. */
  plugin: string | null;
  run: { id: string; label: string };
  /** The sweep command's data root, absolute; a worker's own --data-root or $FLB_DATA_ROOT takes precedence. */
  dataRoot: string;
}

/** What a finished job hands back: enough for the leaderboard without reading the worker's disk. */
export interface RunJobResult {
  run: string;
  /** The worker that finished it (host:pid). */
  worker: string;
  /** The run's status.json at the end. */
  status: RunStatus | null;
  /** Evaluation summaries by result name (eval/<name>.json without its curves). */
  results: Record<string, Record<string, unknown>>;
  /** The checkpoint step this attempt resumed training from; null when it trained from scratch or not at all. */
  resumedFrom: number | null;
}

/** Reported while a job runs: units as the in-process sweep counts them (training steps; evaluations weighted). */
export interface RunJobProgress {
  stage: string;
  units: number;
  of: number;
}

export function runJobData(plan: SweepPlan, run: PlannedRun, where: { sweepDir: string; dataRoot: string }): RunJobData {
  const loss = run.variant.loss;
  return {
    format: JOB_FORMAT,
    sweep: { name: plan.config.name, dir: where.sweepDir },
    config: { file: plan.config.file, raw: plan.config.raw },
    backend: plan.config.backend,
    lossEntry: run.variant.entry,
    plugin: loss.builtin ? null : loss.source,
    run: { id: run.id, label: runLabel(run) },
    dataRoot: where.dataRoot,
  };
}

/**
 * An evaluation result without its arrays (ROC and CMC curves, per-fold thresholds): the scalars and the small
 * maps the leaderboard reads. The curves stay in the run folder for `flb report`; through Redis they would
 * cost megabytes per run on the real protocols.
 */
export function evaluationSummary(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (Array.isArray(value)) continue;
    out[key] = value && typeof value === 'object' ? evaluationSummary(value as Record<string, unknown>) : value;
  }
  return out;
}

/** Why a worker cancels a job it runs: it is stopping (the job checkpoints and returns to the queue)… */
export const WORKER_STOPPING = 'worker stopping';
/** …or it lost the job's lock to another worker (the job's process stops at once). */
export const LOCK_LOST = 'lock lost';
