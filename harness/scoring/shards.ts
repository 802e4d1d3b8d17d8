/** Splitting [start, end) into shards for the pool, and running them with a bounded number in flight. */

export interface Shard {
  start: number;
  end: number;
}

/** Consecutive shards of at most `size` items covering [start, end). */
export function shardRange(start: number, end: number, size: number): Shard[] {
  const out: Shard[] = [];
  for (let s = start; s < end; s += size) out.push({ start: s, end: Math.min(end, s + size) });
  return out;
}

/**
 * Runs `work` on every shard with at most `inFlight` pending, calling `merge` on the main thread as each
 * finishes. Later shards are created after earlier results are merged, so they can use what was learnt
 * (e.g. a raised tail floor).
 */
export async function runShards<S, R>(
  shards: readonly S[],
  inFlight: number,
  work: (shard: S) => Promise<R>,
  merge: (result: R, shard: S) => void,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < shards.length) {
      const shard = shards[next++];
      merge(await work(shard), shard);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, shards.length) }, lane));
}
