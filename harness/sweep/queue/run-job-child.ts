import { UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { isUserError } from '../../core/errors.js';
import { FileRunStore, type RunHandle } from '../../run-store/run-store.js';
import { checkpointStep } from '../../training/checkpoint.js';
import { defaultStages } from '../default-stages.js';
import { isFinished, runWork, storedResult, type RunWork } from '../run-work.js';
import { advanceRun, EVALUATION_IN_TRAINING_STEPS, workUnits, type Counter } from '../sweep-runner.js';
import type { PlannedRun, SweepPlan } from '../sweep-plan.js';
import { planJob, type PlannedJob } from './job-plan.js';
import { evaluationSummary, LOCK_LOST, type RunJobData, type RunJobProgress, type RunJobResult } from './run-job.js';
import { jobDataRoot, jobSweepDir, workerSettingsFromEnv } from './worker-settings.js';

/**
 * The processor BullMQ runs in a child process of `flb worker`, one job at a time: the run's remaining stages,
 * exactly as the in-process sweep runs them (advanceRun), resuming from the run's checkpoint. Training blocks
 * this process's event loop for whole steps; the worker's lock renewal runs in the parent and never waits on it.
 */

// The worker that started this process is gone (killed, machine lost). Its job returns to the queue when the
// lock expires and another worker resumes it from the checkpoint; training on here would write into that run.
process.on('disconnect', () => process.exit(1));

const PROGRESS_EVERY_MS = 2000;

export default async function runJob(job: SandboxedJob<RunJobData, RunJobResult>, token?: string, signal?: AbortSignal): Promise<RunJobResult> {
  const settings = workerSettingsFromEnv();
  const log = (line: string) => process.stderr.write(`[${job.data.run.id}] ${line}\n`);
  const dataRoot = jobDataRoot(job.data, settings);
  let planned: PlannedJob;
  try {
    planned = await planJob(job.data, dataRoot);
  } catch (e) {
    // A plugin or dataset missing on this worker, a config it reads differently: trying again will not help.
    if (isUserError(e)) throw new UnrecoverableError(e.message);
    throw e;
  }
  const { plan, run } = planned;
  const handle = new FileRunStore(jobSweepDir(job.data, settings)).run(run.id);
  const work = runWork(run, handle, plan.evaluate);
  const resumedFrom = work.training.kind === 'resume' ? checkpointStep(handle.checkpointDir) : null;

  if (!isFinished(work)) {
    const stages = defaultStages({
      dataRoot,
      plugins: job.data.plugin ? [job.data.plugin] : [],
      backend: plan.config.backend,
      progress: 'quiet',
      embedding: plan.config.embedding,
      threads: settings.threads,
      log,
    });
    const onAbort = () => {
      // The lock went to another worker: stop at once, without a last checkpoint over the one it resumes from.
      if (signal?.reason === LOCK_LOST) process.exit(1);
      // The worker is stopping: as Ctrl-C does, training checkpoints at the end of its step and returns.
      process.kill(process.pid, 'SIGINT');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const reporter = reportProgress(job, run, handle, work, plan);
    let state;
    try {
      state = await advanceRun(run, handle, work, { stages, log }, reporter.counter);
    } finally {
      reporter.stop();
      signal?.removeEventListener('abort', onAbort);
      await stages.close();
    }
    if (state === 'interrupted') {
      // Back to the queue without using up an attempt; the next worker resumes from this checkpoint.
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }
  const results: RunJobResult['results'] = {};
  for (const evaluation of plan.evaluate) {
    const result = storedResult(handle, evaluation);
    if (result) results[evaluation.resultName] = evaluationSummary(result);
  }
  return { run: run.id, worker: settings.name, status: handle.readStatus(), results, resumedFrom };
}

/**
 * The job's progress in the in-process sweep's units: stage ends from advanceRun's counter, and within training
 * the last step its metrics logged.
 */
function reportProgress(job: SandboxedJob<RunJobData, RunJobResult>, run: PlannedRun, handle: RunHandle, work: RunWork, plan: SweepPlan) {
  const evalUnits = Math.max(1, Math.round(plan.config.train.steps * EVALUATION_IN_TRAINING_STEPS));
  const of = workUnits(work, run, evalUnits);
  const startStep = work.training.kind === 'resume' ? work.training.fromStatus.step : 0;
  let stage = 'train';
  let sent = -1;
  const send = () => {
    const lastStep = handle.readMetrics().at(-1)?.step ?? 0;
    const units = Math.min(of, Math.max(counter.done, lastStep - startStep));
    if (units === sent) return;
    sent = units;
    const progress: RunJobProgress = { stage, units, of };
    job.updateProgress(progress).catch(() => {});
  };
  const counter: Counter = {
    done: 0,
    evalUnits,
    bar: {
      update(_done, info) {
        if (info) stage = info;
        send();
      },
      stop() {},
    },
  };
  const timer = setInterval(send, PROGRESS_EVERY_MS);
  send();
  return { counter, stop: () => clearInterval(timer) };
}
