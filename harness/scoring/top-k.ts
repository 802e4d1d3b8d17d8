/**
 * Keeping only what the metrics need from a score stream too large to store: per row its R largest scores
 * (identification), and the K largest scores overall (the impostor tail that FAR thresholds are read from).
 */

/** Per row, the R largest values seen, largest first; rows start filled with −∞. */
export function emptyRowTopK(rows: number, ranks: number): Float32Array {
  return new Float32Array(rows * ranks).fill(-Infinity);
}

/** Inserts `value` into row `row`'s descending top-R list, if it belongs there. */
export function insertRowTopK(top: Float32Array, row: number, ranks: number, value: number): void {
  const base = row * ranks;
  let k = base + ranks - 1;
  if (!(value > top[k])) return;
  while (k > base && top[k - 1] < value) {
    top[k] = top[k - 1];
    k--;
  }
  top[k] = value;
}

/** Merges `other` into `into`, row by row (both descending top-R lists of the same shape). */
export function mergeRowTopK(into: Float32Array, other: Float32Array, ranks: number): void {
  const rows = into.length / ranks;
  for (let row = 0; row < rows; row++) {
    const base = row * ranks;
    for (let r = 0; r < ranks; r++) {
      const v = other[base + r];
      if (!(v > into[base + ranks - 1])) break;
      insertRowTopK(into, row, ranks, v);
    }
  }
}

/**
 * The K largest values of a stream. Values go into a buffer of 2K; when it fills, it is cut back to the K
 * largest and the K-th becomes the floor below which later values are dropped at the cost of one compare.
 * Ties at the floor are dropped safely: they cannot change which values the K largest are, only which copy.
 */
export class LargestK {
  readonly k: number;
  private buffer: Float32Array;
  private size = 0;
  /** Values ≤ floor cannot enter the K largest. */
  floor: number;

  constructor(k: number, floor = -Infinity) {
    this.k = k;
    this.floor = floor;
    this.buffer = new Float32Array(Math.max(2 * k, 16));
  }

  push(value: number): void {
    if (!(value > this.floor) || this.k === 0) return;
    if (this.size === this.buffer.length) this.compact();
    this.buffer[this.size++] = value;
  }

  pushAll(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  private compact(): void {
    this.buffer.subarray(0, this.size).sort();
    const keep = Math.min(this.k, this.size);
    this.buffer.copyWithin(0, this.size - keep, this.size);
    this.size = keep;
    // buffer[0..keep) is ascending now: its first value is the K-th largest.
    if (keep === this.k) this.floor = Math.max(this.floor, this.buffer[0]);
  }

  /** The kept values, largest first (at most K). */
  descending(): Float32Array {
    this.compact();
    return this.buffer.slice(0, this.size).reverse();
  }
}
