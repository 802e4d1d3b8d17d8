import { similarityBlock, similarityBlockWithGroupMax } from './gemm.js';
import { emptyRowTopK, insertRowTopK, LargestK } from './top-k.js';
import type { GalleryTopKResult, GalleryTopKTask } from './tasks.js';

/**
 * Worker side of probe × gallery scoring: gathers (and normalises) a block of gallery rows, multiplies it
 * with the probes in GEMM tiles, and folds every score into the per-probe top-R and the overall tail
 * without keeping the block's scores.
 */

/** Columns per tile: a 1024 × 1024 float32 result (4 MB) stays close to cache, measured fastest here. */
const COLUMN_TILE = 1024;
const PROBE_TILE = 1024;
/** Columns per group maximum: the JS scan reads one value per group, and a group only when it can matter. */
const GROUP = 8;

/**
 * What a MegaFace noise distractor's score is lowered by. insightface's remove_noises.py appends one dimension
 * to every feature (0 for clean ones, 100 for a listed distractor) and the devkit ranks by L2 distance, so a
 * noisy distractor's squared distance to a probe is 2 − 2·cos + 100². On the cosine scale (1 − d²/2) that is
 * cos − 5000: it keeps its order among the noise but never out-ranks a clean score.
 */
export const NOISE_SCORE_OFFSET = 100 ** 2 / 2;

let cachedProbes: { key: string; data: Float32Array } | undefined;

/** The probe matrix in thread-local memory (onnxruntime cannot read SharedArrayBuffers), copied once per job. */
function localProbes(task: GalleryTopKTask): Float32Array {
  if (cachedProbes?.key !== task.probesKey) cachedProbes = { key: task.probesKey, data: task.probes.slice() };
  return cachedProbes.data;
}

export async function galleryTopK(task: GalleryTopKTask, gemmThreads: number): Promise<GalleryTopKResult> {
  const { dim, probeCount, ranks, columns, gallery, noiseRows } = task;
  const probes = localProbes(task);
  const top = emptyRowTopK(probeCount, ranks);
  const tail = new LargestK(task.tailK, task.tailFloor);
  const tile = new Float32Array(COLUMN_TILE * dim);
  const scores = new Float32Array(PROBE_TILE * COLUMN_TILE);
  const groupMax = new Float32Array((PROBE_TILE * COLUMN_TILE) / GROUP);
  const tailOrUndefined = task.tailK > 0 ? tail : undefined;
  for (let c0 = task.start; c0 < task.end; c0 += COLUMN_TILE) {
    const cols = Math.min(COLUMN_TILE, task.end - c0);
    const noiseColumns: number[] = [];
    for (let c = 0; c < cols; c++) {
      const row = columns[c0 + c];
      const noise = noiseRows[row] === 1;
      if (noise) noiseColumns.push(c);
      const invalid = gatherNormalised(gallery, row, dim, tile, c * dim);
      // A noise row is never scored as itself, so the reference takes whatever it holds; only clean rows must be valid.
      if (invalid && !noise) return { top, tail: new Float32Array(0), invalid: { row, reason: invalid } };
      if (invalid) tile.fill(0, c * dim, (c + 1) * dim);
    }
    for (let p0 = 0; p0 < probeCount; p0 += PROBE_TILE) {
      const rows = Math.min(PROBE_TILE, probeCount - p0);
      if (cols % GROUP === 0) {
        await similarityBlockWithGroupMax(probes.subarray(p0 * dim), rows, tile, cols, dim, scores, groupMax, GROUP, gemmThreads);
        // Group maxima taken before the offset only overstate a group: it is then looked into, never skipped wrongly.
        lowerNoiseScores(scores, rows, cols, noiseColumns);
        foldGroupedScores(scores, groupMax, rows, cols, p0, top, ranks, tailOrUndefined);
      } else {
        await similarityBlock(probes.subarray(p0 * dim), rows, tile, cols, dim, scores, gemmThreads);
        lowerNoiseScores(scores, rows, cols, noiseColumns);
        foldScores(scores, rows, cols, p0, top, ranks, tailOrUndefined);
      }
    }
  }
  return { top, tail: tail.descending() };
}

/** Noise distractors' scores, per probe row of the block, lowered by NOISE_SCORE_OFFSET. */
function lowerNoiseScores(scores: Float32Array, rows: number, cols: number, noiseColumns: readonly number[]): void {
  if (noiseColumns.length === 0) return;
  for (let r = 0; r < rows; r++) for (const c of noiseColumns) scores[r * cols + c] -= NOISE_SCORE_OFFSET;
}

/**
 * Copies gallery row `row`, L2-normalised, into `out` at `offset`. Normalising here, in parallel, instead of
 * in a pass over the whole file on the main thread, saves seconds at 1M rows.
 */
function gatherNormalised(gallery: Float32Array, row: number, dim: number, out: Float32Array, offset: number): 'non-finite' | 'zero' | undefined {
  const from = row * dim;
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += gallery[from + d] * gallery[from + d];
  if (!Number.isFinite(sum)) return 'non-finite';
  if (sum === 0) return 'zero';
  const scale = 1 / Math.sqrt(sum);
  for (let d = 0; d < dim; d++) out[offset + d] = gallery[from + d] * scale;
  return undefined;
}

/**
 * Folds scores[from, to) of one row into its top-R and the tail. Almost every score fails the single
 * compare against the bar (the lower of the row's top-R entry and the tail floor).
 */
function foldRange(scores: Float32Array, from: number, to: number, row: number, top: Float32Array, ranks: number, tail: LargestK | undefined): void {
  const lastSlot = row * ranks + ranks - 1;
  let entry = top[lastSlot];
  let floor = tail ? tail.floor : Infinity;
  let bar = entry < floor ? entry : floor;
  for (let c = from; c < to; c++) {
    const v = scores[c];
    if (v > bar) {
      if (v > entry) {
        insertRowTopK(top, row, ranks, v);
        entry = top[lastSlot];
      }
      if (tail && v > floor) {
        tail.push(v);
        floor = tail.floor;
      }
      bar = entry < floor ? entry : floor;
    }
  }
}

/** The hot loop without group maxima (tiles whose width is not a multiple of GROUP). */
function foldScores(scores: Float32Array, rows: number, cols: number, firstRow: number, top: Float32Array, ranks: number, tail: LargestK | undefined): void {
  for (let r = 0; r < rows; r++) foldRange(scores, r * cols, (r + 1) * cols, firstRow + r, top, ranks, tail);
}

/** The hot loop with group maxima: one compare per GROUP scores, and a look inside only when one can count. */
function foldGroupedScores(
  scores: Float32Array,
  groupMax: Float32Array,
  rows: number,
  cols: number,
  firstRow: number,
  top: Float32Array,
  ranks: number,
  tail: LargestK | undefined,
): void {
  const groups = cols / GROUP;
  for (let r = 0; r < rows; r++) {
    const row = firstRow + r;
    const lastSlot = row * ranks + ranks - 1;
    const floor = () => (tail ? tail.floor : Infinity);
    let bar = Math.min(top[lastSlot], floor());
    const g0 = r * groups;
    for (let g = 0; g < groups; g++) {
      if (groupMax[g0 + g] > bar) {
        const from = r * cols + g * GROUP;
        foldRange(scores, from, from + GROUP, row, top, ranks, tail);
        bar = Math.min(top[lastSlot], floor());
      }
    }
  }
}
