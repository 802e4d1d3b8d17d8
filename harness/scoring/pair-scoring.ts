import { runShards, shardRange } from './shards.js';
import { sharedFloat64 } from './shared-arrays.js';
import type { ScoringPool } from './pool.js';
import type { Progress } from '../core/progress.js';

/** Pairs per task: ~0.1 s of work each at 512-d. */
const PAIRS_PER_SHARD = 1 << 17;

/** Scores of every pair (first[k], second[k]) over float64 rows, written by the workers into one shared array. */
export async function scorePairs(
  pool: ScoringPool,
  features: Float64Array,
  dim: number,
  first: Int32Array,
  second: Int32Array,
  measure: 'dot' | 'squared-distance',
  progress?: Progress,
): Promise<Float64Array> {
  const out = sharedFloat64(first.length);
  let done = 0;
  await runShards(
    shardRange(0, first.length, PAIRS_PER_SHARD),
    pool.threads * 2,
    (shard) => pool.run({ kind: 'pair-scores', features, dim, first, second, start: shard.start, end: shard.end, measure, out }),
    (_result, shard) => {
      done += shard.end - shard.start;
      progress?.update(done);
    },
  );
  return out;
}
