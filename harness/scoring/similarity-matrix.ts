import { runShards, shardRange } from './shards.js';
import type { ScoringPool } from './pool.js';

let jobCounter = 0;

/** The full rows × rows similarity of L2-normalised rows (shared), computed in bands by the pool. */
export async function similarityMatrix(pool: ScoringPool, rowsData: Float32Array, rows: number, dim: number): Promise<Float32Array> {
  const key = `${process.pid}-sim-${jobCounter++}`;
  const out = new Float32Array(rows * rows);
  const band = Math.max(64, Math.ceil(rows / (2 * pool.threads)));
  await runShards(
    shardRange(0, rows, band),
    pool.threads,
    (shard) => pool.run({ kind: 'similarity-rows', aKey: key, a: rowsData, aRows: rows, bKey: key, b: rowsData, bRows: rows, dim, start: shard.start, end: shard.end }),
    (result, shard) => out.set(result.scores, shard.start * rows),
  );
  return out;
}
