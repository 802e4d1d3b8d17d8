import { similarityBlock } from './gemm.js';
import type { SimilarityRowsResult, SimilarityRowsTask } from './tasks.js';

/** Worker side of a dense similarity matrix (e.g. probes × probes), a band of rows per task. */
export async function similarityRows(task: SimilarityRowsTask, gemmThreads: number): Promise<SimilarityRowsResult> {
  const { dim, start, end, bRows } = task;
  // Thread-local copies: onnxruntime cannot read SharedArrayBuffers.
  const a = task.a.slice(start * dim, end * dim);
  const b = task.b.slice();
  const scores = new Float32Array((end - start) * bRows);
  await similarityBlock(a, end - start, b, bRows, dim, scores, gemmThreads);
  return { scores };
}
