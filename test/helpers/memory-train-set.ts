import { renderFace } from '../../harness/data/synthetic/faces.js';
import { normalisePixel, type TrainSet } from '../../harness/data/readers/train-set.js';

/** A small synthetic face set held in memory, for training tests that should not touch the disk. */
export function memoryTrainSet(opts: { identities: number; perIdentity: number; size?: number; seed?: number }): TrainSet {
  const size = opts.size ?? 32;
  const config = { seed: opts.seed ?? 3, size, channels: 1 as const, identitySpread: 1, nuisance: 0.5 };
  const count = opts.identities * opts.perIdentity;
  const pixels = new Float32Array(count * size * size);
  for (let i = 0; i < count; i++) {
    const img = renderFace(config, Math.floor(i / opts.perIdentity), i % opts.perIdentity);
    for (let k = 0; k < img.length; k++) pixels[i * size * size + k] = normalisePixel(img[k]!);
  }
  return {
    name: 'memory-synth',
    numClasses: opts.identities,
    size: count,
    shape: [size, size, 1],
    labelOf: (i) => Math.floor(i / opts.perIdentity),
    async read(indices) {
      const out = new Float32Array(indices.length * size * size);
      indices.forEach((idx, j) => out.set(pixels.subarray(idx * size * size, (idx + 1) * size * size), j * size * size));
      return out;
    },
  };
}

/** Wraps a set so that `onRead(callNumber)` runs before each batch is read (to interrupt or crash a run). */
export function withReadHook(set: TrainSet, onRead: (call: number) => void): TrainSet {
  let calls = 0;
  return { ...set, labelOf: set.labelOf, read: async (indices) => (onRead(calls++), set.read(indices)) };
}
