import { Worker } from 'bullmq';
import { availableParallelism, hostname } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';
import { tsWorkerExecArgv } from '../../core/worker-exec-argv.js';
import { connectionLost, connectRedis, WORKER_RECONNECT, type QueueUrl } from './queue-connection.js';
import { JOB_ATTEMPTS, LOCK_LOST, MAX_STALLED, QUEUE_NAME, WORKER_STOPPING, type RunJobData, type RunJobResult } from './run-job.js';
import { workerSettingsEnv, type WorkerSettings } from './worker-settings.js';

/**
 * `flb worker`: takes runs from the queue and runs them in child processes (BullMQ's sandboxed processor,
 * run-job-child.ts), `concurrency` at a time. While a job runs, this process renews its lock; if this process
 * dies, the lock expires and another worker's stalled-job check puts the job back in the queue.
 */
export interface WorkerOptions {
  queue: QueueUrl;
  concurrency: number;
  runsDir: string | null;
  dataRoot: string | null;
  /** How long a job's lock lasts without renewal (renewed at half of it), and how often workers look for expired ones. */
  lockMs: number;
  log: (line: string) => void;
}

export interface RunningWorker {
  name: string;
  /** Settles when the worker has stopped: after stop(), or with the message when Redis is gone for good. */
  done: Promise<{ lost: string | null }>;
  /** Stops taking jobs; a training in progress checkpoints and goes back to the queue, an evaluation finishes first. */
  stop(): Promise<void>;
}

/** BullMQ's default: a dead worker's job is back in the queue within about a minute. */
export const DEFAULT_LOCK_MS = 30_000;
const LOCK_ENV = 'FLB_WORKER_LOCK_MS';

/** $FLB_WORKER_LOCK_MS, for tests and for networks where 30 s is too short or too long. */
export function lockMsFromEnv(): number {
  const text = process.env[LOCK_ENV];
  if (text === undefined || text === '') return DEFAULT_LOCK_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1000) throw new UserError(`${LOCK_ENV}='${text}': expected a whole number of milliseconds, at least 1000`);
  return ms;
}

const PROCESSOR = fileURLToPath(new URL(`./run-job-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const connection = await connectRedis(opts.queue, WORKER_RECONNECT);
  const name = `${hostname()}:${process.pid}`;
  const settings: WorkerSettings = {
    name,
    runsDir: opts.runsDir,
    dataRoot: opts.dataRoot,
    threads: Math.max(1, Math.floor(availableParallelism() / opts.concurrency)),
  };
  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, PROCESSOR, {
    connection,
    name,
    concurrency: opts.concurrency,
    lockDuration: opts.lockMs,
    stalledInterval: opts.lockMs,
    maxStalledCount: MAX_STALLED,
    useWorkerThreads: false,
    workerForkOptions: { execArgv: tsWorkerExecArgv(), env: { ...process.env, ...workerSettingsEnv(settings) } },
  });
  let stopping = false;
  const log = opts.log;
  // Job data comes from whoever reached Redis, possibly another version: read it defensively here.
  worker.on('active', (job) => log(`${job.id} (${job.data?.run?.label ?? '?'}; sweep ${job.data?.sweep?.name ?? '?'}): started`));
  worker.on('completed', (job, result) => {
    const status = result?.status;
    log(`${job.id}: ${status?.state ?? 'no status'}${status?.reason ? ` (${status.reason})` : ''}`);
  });
  worker.on('failed', (job, error) => {
    const final = error.name === 'UnrecoverableError' || (job?.attemptsMade ?? 0) >= JOB_ATTEMPTS;
    log(`${job?.id ?? '?'}: ${final ? 'failed' : `attempt ${job?.attemptsMade} of ${JOB_ATTEMPTS} failed, to be retried`}: ${error.message}`);
  });
  worker.on('stalled', (id) => log(`${id}: its worker stopped renewing the lock; back in the queue`));
  worker.on('lockRenewalFailed', (ids) => {
    if (stopping) return; // a job handed back to the queue while stopping no longer has a lock to renew
    for (const id of ids) {
      log(`${id}: lost the lock to another worker; stopping it here`);
      worker.cancelJob(id, LOCK_LOST);
    }
  });
  let lastError = '';
  worker.on('error', (error) => {
    if (stopping || error.message === lastError) return;
    lastError = error.message;
    log(`queue error: ${error.message}`);
  });

  let settle!: (value: { lost: string | null }) => void;
  const done = new Promise<{ lost: string | null }>((resolve) => (settle = resolve));
  const stop = async (lost: string | null = null) => {
    if (stopping) return done.then(() => {});
    stopping = true;
    worker.cancelAllJobs(WORKER_STOPPING);
    await worker.close(lost !== null);
    connection.disconnect();
    settle({ lost });
  };
  void connectionLost(connection, opts.queue).then((message) => stop(message));
  return { name, done, stop: () => stop() };
}
