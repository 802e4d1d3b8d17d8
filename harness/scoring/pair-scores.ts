import type { PairScoresTask } from './tasks.js';

/**
 * Worker side of pair lists (LFW pairs, IJB-C template pairs): one float64 dot product or squared distance
 * per pair, as insightface computes them on float64 template features. Pairs index arbitrary rows, so this
 * is a gather, not a GEMM.
 */
export function pairScores(task: PairScoresTask): void {
  const { features, dim, first, second, out } = task;
  const squaredDistance = task.measure === 'squared-distance';
  for (let k = task.start; k < task.end; k++) {
    const a = first[k] * dim;
    const b = second[k] * dim;
    let sum = 0;
    if (squaredDistance) {
      for (let d = 0; d < dim; d++) {
        const diff = features[a + d] - features[b + d];
        sum += diff * diff;
      }
    } else {
      for (let d = 0; d < dim; d++) sum += features[a + d] * features[b + d];
    }
    out[k] = sum;
  }
}
