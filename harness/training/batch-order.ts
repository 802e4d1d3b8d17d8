import seedrandom from 'seedrandom';

/**
 * Which images make up training step t, and which of them are flipped: a pure function of (seed, t), so that a
 * resumed run sees exactly the batches an uninterrupted one would. Each epoch is a fresh seeded permutation;
 * the last incomplete batch of an epoch is dropped, so every batch has the same size.
 */
export class BatchOrder {
  private cachedEpoch = -1;
  private permutation: Uint32Array = new Uint32Array(0);
  readonly batchesPerEpoch: number;

  constructor(
    private readonly datasetSize: number,
    private readonly batchSize: number,
    private readonly seed: number,
  ) {
    if (batchSize > datasetSize) {
      throw new Error(`batch size ${batchSize} is larger than the dataset (${datasetSize} images)`);
    }
    this.batchesPerEpoch = Math.floor(datasetSize / batchSize);
  }

  indices(step: number): number[] {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    const start = (step % this.batchesPerEpoch) * this.batchSize;
    return Array.from(this.permutationOf(epoch).subarray(start, start + this.batchSize));
  }

  /** Whether each image of step t's batch is mirrored (probability 1/2, seeded by step). */
  flips(step: number): boolean[] {
    const rng = seedrandom(`flip:${this.seed}:${step}`);
    return Array.from({ length: this.batchSize }, () => rng() < 0.5);
  }

  private permutationOf(epoch: number): Uint32Array {
    if (epoch !== this.cachedEpoch) {
      const rng = seedrandom(`order:${this.seed}:${epoch}`);
      const p = new Uint32Array(this.datasetSize);
      for (let i = 0; i < p.length; i++) p[i] = i;
      for (let i = p.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [p[i], p[j]] = [p[j]!, p[i]!];
      }
      this.permutation = p;
      this.cachedEpoch = epoch;
    }
    return this.permutation;
  }
}

/** Mirrors image `i` of an NHWC batch in place. */
export function flipImageInPlace(batch: Float32Array, i: number, h: number, w: number, c: number): void {
  const base = i * h * w * c;
  for (let y = 0; y < h; y++) {
    const row = base + y * w * c;
    for (let x = 0; x < w >> 1; x++) {
      const a = row + x * c;
      const b = row + (w - 1 - x) * c;
      for (let k = 0; k < c; k++) {
        const t = batch[a + k]!;
        batch[a + k] = batch[b + k]!;
        batch[b + k] = t;
      }
    }
  }
}
