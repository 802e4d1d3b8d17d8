import type { Queue } from 'bullmq';
import { UserError } from '../../core/errors.js';
import type { RunStore } from '../../run-store/run-store.js';
import { isFinished, runWork } from '../run-work.js';
import type { PlannedRun, SweepPlan } from '../sweep-plan.js';
import { CRASH_BACKOFF_MS, JOB_ATTEMPTS, runJobData, type RunJobData, type RunJobResult } from './run-job.js';

/**
 * Puts a sweep's runs on the queue, one job per run key, as the in-process sweep would run them:
 * - no job yet: queued, unless the run folder shows it finished (as the in-process sweep skips it);
 * - a job waiting, delayed or running: attached to, never added twice;
 * - a job that ended with the run finished: its result is used;
 * - a job that failed, or whose run failed or lacks an evaluation the config now asks for: queued again, as
 *   running the in-process sweep again retries failed runs.
 */
export type EnqueueAction = 'queued' | 'attached' | 'requeued' | 'finished';

export interface EnqueuedRun {
  run: PlannedRun;
  action: EnqueueAction;
}

export type RunQueue = Queue<RunJobData, RunJobResult>;

export async function enqueueRuns(
  queue: RunQueue,
  plan: SweepPlan,
  store: RunStore,
  runs: readonly PlannedRun[],
  where: { sweepDir: string; dataRoot: string },
): Promise<EnqueuedRun[]> {
  const out: EnqueuedRun[] = [];
  for (const run of runs) {
    const data = runJobData(plan, run, where);
    const add = () => queue.add(plan.config.name, data, { jobId: run.id, attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: CRASH_BACKOFF_MS } });
    const job = await queue.getJob(run.id);
    if (!job) {
      if (isFinished(runWork(run, store.run(run.id), plan.evaluate))) {
        out.push({ run, action: 'finished' });
      } else {
        await add();
        out.push({ run, action: 'queued' });
      }
      continue;
    }
    const state = await job.getState();
    const ended = state === 'completed' || state === 'failed';
    if (!ended) {
      if (job.data.sweep.dir !== where.sweepDir) {
        throw new UserError(`run ${run.id} (${run.variant.label}) is already queued for the sweep in ${job.data.sweep.dir}; let that sweep finish, or use the same --out`);
      }
      // Not started yet: it takes this config (an evaluation added since it was queued, say).
      if (state !== 'active' && JSON.stringify(job.data) !== JSON.stringify(data)) await job.updateData(data);
      out.push({ run, action: 'attached' });
      continue;
    }
    if (state === 'completed' && job.data.sweep.dir === where.sweepDir && finishedResult(job.returnvalue, plan)) {
      out.push({ run, action: 'attached' });
      continue;
    }
    await job.remove();
    await add();
    out.push({ run, action: 'requeued' });
  }
  return out;
}

/** A result that needs no more work: diverged (a result in itself), or done with every evaluation of the plan. */
function finishedResult(result: RunJobResult | null | undefined, plan: SweepPlan): boolean {
  const state = result?.status?.state;
  if (state === 'diverged') return true;
  return state === 'done' && plan.evaluate.every((e) => result!.results[e.resultName] !== undefined);
}
