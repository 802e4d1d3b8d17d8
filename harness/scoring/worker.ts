import { workerData } from 'node:worker_threads';
import { galleryTopK } from './gallery-top-k.js';
import { pairScores } from './pair-scores.js';
import { similarityRows } from './similarity-rows.js';
import type { ScoringTask, ScoringWorkerData } from './tasks.js';

/** Entry point of each piscina scoring worker: runs one task and returns its (small) result. */
const { gemmThreads } = (workerData ?? { gemmThreads: 1 }) as ScoringWorkerData;

export default async function runTask(task: ScoringTask): Promise<unknown> {
  switch (task.kind) {
    case 'gallery-top-k':
      return galleryTopK(task, gemmThreads);
    case 'similarity-rows':
      return similarityRows(task, gemmThreads);
    case 'pair-scores':
      return pairScores(task);
    case 'sort-range':
      task.values.subarray(task.start, task.end).sort();
      return undefined;
  }
}
