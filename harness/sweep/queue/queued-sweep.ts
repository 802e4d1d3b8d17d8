import { Queue } from 'bullmq';
import type { ProgressMode } from '../../core/progress.js';
import type { RunStore } from '../../run-store/run-store.js';
import { runWork } from '../run-work.js';
import { EVALUATION_IN_TRAINING_STEPS, workUnits } from '../sweep-runner.js';
import type { PlannedRun, SweepPlan } from '../sweep-plan.js';
import { enqueueRuns, type EnqueueAction } from './enqueue.js';
import { outcomeState, storeWithOutcomes, type JobOutcome } from './job-outcomes.js';
import { connectionLost, connectRedis, INTERACTIVE_RECONNECT, type QueueUrl } from './queue-connection.js';
import { QUEUE_NAME, type RunJobData, type RunJobResult } from './run-job.js';
import { watchJobs } from './watch-jobs.js';
import { UserError } from '../../core/errors.js';

/**
 * `flb sweep --queue`: the planned runs go on the queue as jobs (see enqueue.ts) and the command follows them
 * until each has ended, for the workers to run. Letting go (Ctrl-C) leaves the jobs running; the same command
 * later attaches to them again.
 */
export interface QueuedSweepOptions {
  queue: QueueUrl;
  store: RunStore;
  /** The selected runs (--only), in plan order. */
  runs: readonly PlannedRun[];
  /** As the workers should find them, absolute: the sweep folder and the data root. */
  sweepDir: string;
  dataRoot: string;
  progress: ProgressMode;
  log: (line: string) => void;
  /** Called whenever a job ends, with the store that reads the outcomes so far (to refresh the leaderboard). */
  onEnded: (store: RunStore) => void;
  signal: AbortSignal;
  pollMs?: number;
}

export interface QueuedSweepOutcome {
  /** The run store that reads finished jobs from the queue and the rest from the run folders. */
  store: RunStore;
  /** Jobs still queued or running when the command let go (Ctrl-C). */
  pending: number;
  /** Some run failed: its job failed, or the run itself did. */
  failed: boolean;
}

export async function runQueuedSweep(plan: SweepPlan, opts: QueuedSweepOptions): Promise<QueuedSweepOutcome> {
  const redis = await connectRedis(opts.queue, INTERACTIVE_RECONNECT);
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: redis });
  queue.on('error', () => {}); // the connection's fate is reported once, below
  const lost = connectionLost(redis, opts.queue).then((message): never => {
    throw new UserError(message);
  });
  lost.catch(() => {});
  try {
    const enqueued = await Promise.race([enqueueRuns(queue, plan, opts.store, opts.runs, opts), lost]);
    opts.log(enqueueSummary(enqueued.map((e) => e.action), opts.queue));
    const evalUnits = Math.max(1, Math.round(plan.config.train.steps * EVALUATION_IN_TRAINING_STEPS));
    const jobs = enqueued
      .filter((e) => e.action !== 'finished')
      .map(({ run }) => ({ id: run.id, units: Math.max(1, workUnits(runWork(run, opts.store.run(run.id), plan.evaluate), run, evalUnits)) }));
    const outcomes = new Map<string, JobOutcome>();
    const watched = await Promise.race([
      watchJobs(queue, jobs, {
        label: `sweep ${plan.config.name}`,
        progress: opts.progress,
        pollMs: opts.pollMs ?? 1000,
        signal: opts.signal,
        onEnded: (outcome) => {
          outcomes.set(outcome.run, outcome);
          if (outcome.state === 'failed') opts.log(`  ${outcome.run}: failed: ${outcome.reason}`);
          opts.onEnded(storeWithOutcomes(outcomes, opts.store));
        },
      }),
      lost,
    ]);
    const failed = [...watched.outcomes.values()].some((o) => outcomeState(o) === 'failed');
    return { store: storeWithOutcomes(watched.outcomes, opts.store), pending: watched.pending, failed };
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

function enqueueSummary(actions: EnqueueAction[], queue: QueueUrl): string {
  const count = (a: EnqueueAction) => actions.filter((x) => x === a).length;
  const parts = [
    `${count('queued')} queued`,
    `${count('requeued')} queued again`,
    `${count('attached')} already on the queue`,
    `${count('finished')} already finished`,
  ];
  return `${actions.length} runs on ${queue.shown}: ${parts.join(', ')}; workers: flb worker --queue ${queue.shown}`;
}
