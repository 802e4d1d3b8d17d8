import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { tsWorkerExecArgv } from '../core/worker-exec-argv.js';
import type { ScoringResultOf, ScoringTask, ScoringWorkerData } from './tasks.js';

/**
 * The pool of scoring workers. Features live in SharedArrayBuffers, so tasks carry views, not copies; the
 * main thread only splits work into shards and merges their results.
 */
export interface ScoringPool {
  readonly threads: number;
  run<T extends ScoringTask>(task: T): Promise<ScoringResultOf[T['kind']]>;
  close(): Promise<void>;
}

export function createScoringPool(threads = availableParallelism()): ScoringPool {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`scoring pool needs at least one thread, got ${threads}`);
  const cores = availableParallelism();
  const workerData: ScoringWorkerData = { gemmThreads: Math.max(1, Math.floor(cores / threads)) };
  const piscina = new Piscina({
    filename: new URL('./worker.ts', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // Workers are CPU-bound: one task each at a time, the rest wait in the queue.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    workerData,
    execArgv: tsWorkerExecArgv(),
  });
  return {
    threads,
    run: (task) => piscina.run(task),
    close: () => piscina.destroy(),
  };
}

/** Runs `evaluate` with a pool of `threads` workers (default: the cores), closing the pool afterwards. */
export async function withScoringPool<T>(threads: number | undefined, evaluate: (pool: ScoringPool) => Promise<T>): Promise<T> {
  const pool = createScoringPool(threads ?? availableParallelism());
  try {
    return await evaluate(pool);
  } finally {
    await pool.close();
  }
}
