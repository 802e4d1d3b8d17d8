import { Queue, type JobType } from 'bullmq';
import { connectRedis, INTERACTIVE_RECONNECT, type QueueUrl } from './queue-connection.js';
import { QUEUE_NAME, type RunJobData, type RunJobProgress, type RunJobResult } from './run-job.js';

/**
 * `flb queue status` and `flb queue clean`: what the queue holds, sweep by sweep, which worker runs which run,
 * why jobs failed; and removing the jobs of finished sweeps.
 */
const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const satisfies readonly JobType[];
type State = (typeof STATES)[number];

export interface QueueStatus {
  queue: string;
  counts: Record<State, number>;
  /** Per sweep (the job name), its jobs by state. */
  sweeps: Array<{ sweep: string; counts: Record<State, number> }>;
  running: Array<{ run: string; label: string; sweep: string; worker: string | null; stage: string | null; percent: number | null; startedAt: string | null }>;
  failed: Array<{ run: string; label: string; sweep: string; worker: string | null; attempts: number; reason: string }>;
  workers: number;
}

async function withQueue<T>(url: QueueUrl, body: (queue: Queue<RunJobData, RunJobResult>) => Promise<T>): Promise<T> {
  const redis = await connectRedis(url, INTERACTIVE_RECONNECT);
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: redis });
  queue.on('error', () => {});
  try {
    return await body(queue);
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

const zeroCounts = (): Record<State, number> => Object.fromEntries(STATES.map((s) => [s, 0])) as Record<State, number>;

export function queueStatus(url: QueueUrl): Promise<QueueStatus> {
  return withQueue(url, async (queue) => {
    const counts = zeroCounts();
    const bySweep = new Map<string, Record<State, number>>();
    const running: QueueStatus['running'] = [];
    const failed: QueueStatus['failed'] = [];
    for (const state of STATES) {
      for (const job of await queue.getJobs(state)) {
        if (!job) continue;
        counts[state]++;
        const sweep = job.name;
        if (!bySweep.has(sweep)) bySweep.set(sweep, zeroCounts());
        bySweep.get(sweep)![state]++;
        const label = job.data?.run?.label ?? '';
        if (state === 'active') {
          const progress = job.progress as RunJobProgress | number;
          const known = typeof progress === 'object' && progress !== null && progress.of > 0;
          running.push({
            run: job.id!,
            label,
            sweep,
            worker: job.processedBy ?? null,
            stage: known ? progress.stage : null,
            percent: known ? Math.round((100 * progress.units) / progress.of) : null,
            startedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
          });
        } else if (state === 'failed') {
          failed.push({ run: job.id!, label, sweep, worker: job.processedBy ?? null, attempts: job.attemptsMade, reason: job.failedReason });
        }
      }
    }
    const sweeps = [...bySweep].map(([sweep, c]) => ({ sweep, counts: c })).sort((a, b) => (a.sweep < b.sweep ? -1 : 1));
    return { queue: url.shown, counts, sweeps, running, failed, workers: (await queue.getWorkers()).length };
  });
}

export interface CleanResult {
  removed: number;
  /** Jobs (of the sweep, if one was named) still queued or running, which clean leaves alone. */
  unfinished: number;
}

/** Removes the completed and failed jobs (of one sweep, or of all); queued and running jobs stay. */
export function cleanQueue(url: QueueUrl, sweep: string | null): Promise<CleanResult> {
  return withQueue(url, async (queue) => {
    const ours = <J extends { name: string }>(job: J | undefined): job is J => job !== undefined && (sweep === null || job.name === sweep);
    let removed = 0;
    for (const job of (await queue.getJobs(['completed', 'failed'])).filter(ours)) {
      await job.remove();
      removed++;
    }
    const unfinished = (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).filter(ours).length;
    return { removed, unfinished };
  });
}
