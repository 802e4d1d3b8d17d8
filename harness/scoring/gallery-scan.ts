import { emptyRowTopK, LargestK, mergeRowTopK } from './top-k.js';
import { runShards, shardRange, type Shard } from './shards.js';
import type { ScoringPool } from './pool.js';
import type { Progress } from '../core/progress.js';
import { UserError } from '../core/errors.js';

/**
 * Probes × gallery scoring without the score matrix: workers stream column shards and return per-probe
 * top-R lists and their slice of the score tail; the main thread merges them. A pass scores an ordered list
 * of gallery rows; a checkpoint at column `end` snapshots the top-R over columns [0, end), so nested gallery
 * sizes (MegaFace's 10 ⊂ 100 ⊂ … ⊂ 1M) cost one pass over the largest.
 */
export interface GalleryPass {
  /** Gallery rows in scoring order (shared). */
  columns: Int32Array;
  /** Sizes whose gallery is columns[0, end), by increasing end. */
  checkpoints: Array<{ size: number; end: number }>;
  /** Whether this pass's scores feed the tail. */
  tail: boolean;
}

export interface GalleryScanInput {
  probes: Float32Array;
  probeCount: number;
  dim: number;
  gallery: Float32Array;
  noiseRows: Uint8Array;
  /** Names a gallery row in error messages. */
  describeRow(row: number): string;
  passes: GalleryPass[];
  ranks: number;
  /** How many of the largest tail scores to keep. */
  tailK: number;
}

export interface GalleryScanResult {
  /** Per gallery size, [probeCount × ranks] descending top scores. */
  topBySize: Map<number, Float32Array>;
  /** The tailK largest scores of the tail passes, descending. */
  tail: Float32Array;
}

/** Columns per task: big enough to amortise task overhead, small enough to balance two workers. */
const SHARD_COLUMNS = 16384;
let jobCounter = 0;

export async function scanGallery(pool: ScoringPool, input: GalleryScanInput, progress?: Progress): Promise<GalleryScanResult> {
  const probesKey = `${process.pid}-${jobCounter++}`;
  const tail = new LargestK(input.tailK);
  const topBySize = new Map<number, Float32Array>();
  let done = 0;
  for (const pass of input.passes) {
    const segments: Array<{ shard: Shard; top: Float32Array }> = [];
    let segmentStart = 0;
    for (const { end } of pass.checkpoints) {
      // Shards never straddle a checkpoint, so each segment's top-R can be merged on its own.
      const perShard = Math.max(1024, Math.min(SHARD_COLUMNS, Math.ceil((end - segmentStart) / (2 * pool.threads))));
      for (const shard of shardRange(segmentStart, end, perShard)) segments.push({ shard, top: emptyRowTopK(input.probeCount, input.ranks) });
      segmentStart = end;
    }
    await runShards(
      segments,
      pool.threads * 2,
      (segment) =>
        pool.run({
          kind: 'gallery-top-k',
          probesKey,
          probes: input.probes,
          probeCount: input.probeCount,
          dim: input.dim,
          gallery: input.gallery,
          noiseRows: input.noiseRows,
          columns: pass.columns,
          start: segment.shard.start,
          end: segment.shard.end,
          ranks: input.ranks,
          tailK: pass.tail ? input.tailK : 0,
          tailFloor: tail.floor,
        }),
      (result, segment) => {
        if (result.invalid) {
          const what = result.invalid.reason === 'zero' ? 'is all zeros (zero norm); cannot normalise it' : 'has a NaN or infinite value';
          throw new UserError(`${input.describeRow(result.invalid.row)}: feature ${what}`);
        }
        segment.top = result.top;
        if (pass.tail) tail.pushAll(result.tail);
        done += segment.shard.end - segment.shard.start;
        progress?.update(done);
      },
    );
    const running = emptyRowTopK(input.probeCount, input.ranks);
    let next = 0;
    for (const { size, end } of pass.checkpoints) {
      while (next < segments.length && segments[next].shard.end <= end) mergeRowTopK(running, segments[next++].top, input.ranks);
      topBySize.set(size, running.slice());
    }
  }
  return { topBySize, tail: tail.descending() };
}
