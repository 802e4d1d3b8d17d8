import { runShards, shardRange } from './shards.js';
import type { ScoringPool } from './pool.js';

/**
 * Sorts a shared Float64Array ascending: workers sort one shard each in place, the main thread merges the
 * sorted shards into a new array.
 */
export async function sortInPool(pool: ScoringPool, values: Float64Array): Promise<Float64Array> {
  const shards = shardRange(0, values.length, Math.max(1, Math.ceil(values.length / pool.threads)));
  await runShards(shards, pool.threads, (s) => pool.run({ kind: 'sort-range', values, start: s.start, end: s.end }), () => {});
  let runs = shards.map((s) => values.subarray(s.start, s.end));
  while (runs.length > 1) {
    const merged: Float64Array[] = [];
    for (let r = 0; r < runs.length; r += 2) merged.push(r + 1 < runs.length ? mergeSorted(runs[r], runs[r + 1]) : runs[r]);
    runs = merged;
  }
  return runs.length === 1 ? Float64Array.from(runs[0]) : new Float64Array(0);
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
