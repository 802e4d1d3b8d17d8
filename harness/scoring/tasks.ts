/**
 * The messages between the main thread and the scoring workers. Every large array is a typed array over a
 * SharedArrayBuffer, so posting a task shares memory instead of copying it; results are small.
 */

/** Per probe, the R largest similarities against a range of gallery rows, and optionally the K largest overall. */
export interface GalleryTopKTask {
  kind: 'gallery-top-k';
  /** Names the probe matrix so a worker copies it into its own memory once per job, not per task. */
  probesKey: string;
  /** [probeCount × dim], rows L2-normalised. */
  probes: Float32Array;
  probeCount: number;
  dim: number;
  /** [rows × dim], as read from disk; workers L2-normalise the rows they score. */
  gallery: Float32Array;
  /** Per gallery row, 1 for a noise-listed distractor: its scores are lowered by NOISE_SCORE_OFFSET (gallery-top-k.ts). */
  noiseRows: Uint8Array;
  /** Gallery rows in scoring order; the task covers columns[start..end). */
  columns: Int32Array;
  start: number;
  end: number;
  ranks: number;
  /** How many of the largest scores overall to keep (0: none). */
  tailK: number;
  /** Scores ≤ this cannot enter the tail (the main thread's current K-th largest). */
  tailFloor: number;
}

export interface GalleryTopKResult {
  /** [probeCount × ranks], each row descending, −∞ where fewer columns were scored. */
  top: Float32Array;
  /** The task's largest scores (≤ tailK, above tailFloor), descending. */
  tail: Float32Array;
  /** A scored gallery row that cannot be normalised (NaN, infinite or all zeros), if any. */
  invalid?: { row: number; reason: 'non-finite' | 'zero' };
}

/** Rows [start, end) of A · Bᵀ, A and B L2-normalised. */
export interface SimilarityRowsTask {
  kind: 'similarity-rows';
  aKey: string;
  a: Float32Array;
  aRows: number;
  bKey: string;
  b: Float32Array;
  bRows: number;
  dim: number;
  start: number;
  end: number;
}

export interface SimilarityRowsResult {
  /** [(end − start) × bRows]. */
  scores: Float32Array;
}

/** Scores of pairs (first[k], second[k]) for k in [start, end), written into `out`. */
export interface PairScoresTask {
  kind: 'pair-scores';
  /** [rows × dim] in float64. */
  features: Float64Array;
  dim: number;
  first: Int32Array;
  second: Int32Array;
  start: number;
  end: number;
  measure: 'dot' | 'squared-distance';
  out: Float64Array;
}

/** Sorts values[start..end) ascending in place. */
export interface SortRangeTask {
  kind: 'sort-range';
  values: Float64Array;
  start: number;
  end: number;
}

export type ScoringTask = GalleryTopKTask | SimilarityRowsTask | PairScoresTask | SortRangeTask;

export interface ScoringResultOf {
  'gallery-top-k': GalleryTopKResult;
  'similarity-rows': SimilarityRowsResult;
  'pair-scores': void;
  'sort-range': void;
}

/** What each worker is told at start. */
export interface ScoringWorkerData {
  /** Threads the GEMM library may use inside one worker (1 when the pool has a worker per core). */
  gemmThreads: number;
}
