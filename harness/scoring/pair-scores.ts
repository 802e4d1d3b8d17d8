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
    out[k] = squaredDistance ? squaredDistanceAt(features, a, b, dim) : dotAt(features, a, b, dim);
  }
}

/** Four independent sums: the loop is latency-bound on one accumulator, and JS has no SIMD to do it for us. */
function dotAt(f: Float64Array, a: number, b: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += f[a + d] * f[b + d];
    s1 += f[a + d + 1] * f[b + d + 1];
    s2 += f[a + d + 2] * f[b + d + 2];
    s3 += f[a + d + 3] * f[b + d + 3];
  }
  for (; d < dim; d++) s0 += f[a + d] * f[b + d];
  return s0 + s1 + (s2 + s3);
}

function squaredDistanceAt(f: Float64Array, a: number, b: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = f[a + d] - f[b + d];
    sum += diff * diff;
  }
  return sum;
}
