import seedrandom from 'seedrandom';
import type { TrainSet } from '../data/readers/train-set.js';
import { flipHorizontal } from '../formats/image.js';

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

/**
 * The images and labels of training step t, decoded and normalised, each image mirrored where `flips(t)` says
 * so (when `flip` is on). The loop and bench:data load batches this one way.
 */
export async function loadTrainingBatch(
  trainSet: TrainSet,
  order: BatchOrder,
  step: number,
  flip: boolean,
): Promise<{ pixels: Float32Array; labels: Int32Array }> {
  const indices = order.indices(step);
  const pixels = await trainSet.read(indices);
  if (flip) {
    const [h, w, c] = trainSet.shape;
    const size = h * w * c;
    order.flips(step).forEach((mirrored, i) => {
      if (mirrored) pixels.set(flipHorizontal(pixels.subarray(i * size, (i + 1) * size), h, w, c), i * size);
    });
  }
  return { pixels, labels: Int32Array.from(indices, (i) => trainSet.labelOf(i)) };
}
