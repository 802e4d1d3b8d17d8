import { setTimeout as sleep } from 'node:timers/promises';
import { startProgress, type ProgressMode } from '../../core/progress.js';
import type { JobOutcome } from './job-outcomes.js';
import type { RunQueue } from './enqueue.js';
import type { RunJobProgress } from './run-job.js';

/**
 * Follows a sweep's jobs until every one has ended (or the sweep command is told to let go): a progress bar in
 * the in-process sweep's units, with counts of done, running, queued and failed runs beside it and an ETA.
 */
export interface WatchedJob {
  id: string;
  /** The run's work in progress units (training steps; evaluations weighted), as the in-process sweep counts it. */
  units: number;
}

export interface WatchOptions {
  label: string;
  progress: ProgressMode;
  pollMs: number;
  /** Aborted: stop following (Ctrl-C); the jobs go on without us. */
  signal: AbortSignal;
  /** Called once per job as it ends. */
  onEnded: (outcome: JobOutcome) => void;
}

export interface WatchResult {
  outcomes: Map<string, JobOutcome>;
  /** Jobs that had not ended when the watch was let go. */
  pending: number;
}

export async function watchJobs(queue: RunQueue, jobs: readonly WatchedJob[], opts: WatchOptions): Promise<WatchResult> {
  const outcomes = new Map<string, JobOutcome>();
  const total = jobs.reduce((n, j) => n + j.units, 0);
  const bar = startProgress(opts.label, Math.max(total, 1), opts.progress);
  try {
    while (!opts.signal.aborted) {
      const open = jobs.filter((j) => !outcomes.has(j.id));
      const states = await Promise.all(open.map((j) => queue.getJobState(j.id)));
      const counts = { running: 0, queued: 0 };
      let running = 0;
      for (const [i, job] of open.entries()) {
        const state = states[i]!;
        if (state === 'completed' || state === 'failed' || state === 'unknown') {
          const outcome = await outcomeOf(queue, job.id, state);
          outcomes.set(job.id, outcome);
          opts.onEnded(outcome);
        } else if (state === 'active') {
          counts.running++;
          running += job.units * (await fractionDone(queue, job.id));
        } else {
          counts.queued++;
        }
      }
      const ended = jobs.filter((j) => outcomes.has(j.id));
      const failed = [...outcomes.values()].filter((o) => o.state === 'failed' || o.result?.status?.state === 'failed').length;
      const done = ended.reduce((n, j) => n + j.units, 0) + running;
      const info = `${ended.length - failed} done, ${counts.running} running, ${counts.queued} queued, ${failed} failed`;
      bar.update(Math.round(done), info);
      if (ended.length === jobs.length) break;
      await sleep(opts.pollMs, undefined, { signal: opts.signal }).catch(() => {});
    }
  } finally {
    bar.stop();
  }
  return { outcomes, pending: jobs.length - outcomes.size };
}

async function outcomeOf(queue: RunQueue, id: string, state: string): Promise<JobOutcome> {
  const job = await queue.getJob(id);
  if (state === 'completed' && job) return { run: id, state: 'completed', result: job.returnvalue, reason: null };
  // 'unknown': removed while we watched (flb queue clean); it ended without a result we can read.
  const reason = job ? `${job.failedReason}${job.processedBy ? ` (worker ${job.processedBy})` : ''}` : 'the job was removed from the queue before it finished';
  return { run: id, state: 'failed', result: null, reason };
}

async function fractionDone(queue: RunQueue, id: string): Promise<number> {
  const progress = (await queue.getJob(id))?.progress as RunJobProgress | number | undefined;
  if (!progress || typeof progress !== 'object' || !(progress.of > 0)) return 0;
  return Math.min(1, progress.units / progress.of);
}
