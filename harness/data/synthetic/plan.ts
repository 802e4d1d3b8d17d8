import seedrandom from 'seedrandom';
import type { ImageJob, RenderedImage } from './worker.js';
import type { CountRange } from '../registry/fields.js';

/**
 * What one split of a generated dataset contributes: the images to render and, once they exist, the list and
 * meta files that describe them in the protocol's own format.
 */
export interface SplitPlan {
  /** Folder of the split under the recipe's location, e.g. "lfw". */
  folder: string;
  /** Images to render; paths relative to the split folder. */
  jobs: ImageJob[];
  /** Generator identities the split uses (first, count): splits are identity-disjoint ranges. */
  identities: { first: number; count: number };
  /** Counts recorded in the manifest and compared by `flb datasets check`. */
  counts: Record<string, number>;
  /**
   * Writes the split's protocol files into `splitDir` and returns their paths relative to it (the manifest
   * records their checksums); `rendered[i]` belongs to `jobs[i]`.
   */
  writeFiles(splitDir: string, rendered: readonly RenderedImage[]): string[];
}

/** A seeded stream for a split's sampling decisions (image counts, pairs), independent of the face streams. */
export interface Sampler {
  uniform(): number;
  /** An integer in [lo, hi], both inclusive. */
  intIn(range: CountRange): number;
  shuffle<T>(items: T[]): T[];
}

export function sampler(seed: number, split: string): Sampler {
  const next = seedrandom.alea(`flb-synth-split/${seed}/${split}`);
  const intIn = (range: CountRange) => {
    const [lo, hi] = typeof range === 'number' ? [range, range] : range;
    return lo + Math.floor(next() * (hi - lo + 1));
  };
  return {
    uniform: () => next(),
    intIn,
    shuffle<T>(items: T[]): T[] {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/** Identity names carry the generator's identity number, so a name alone says which face it is. */
export function identityName(prefix: string, identity: number): string {
  return `${prefix}_${String(identity).padStart(6, '0')}`;
}

/** LFW's and FaceScrub's image numbering: 1-based, four digits. */
export function imageNumber(index: number): string {
  return String(index + 1).padStart(4, '0');
}
