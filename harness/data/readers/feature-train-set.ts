import { basename } from 'node:path';
import { UserError } from '../../core/errors.js';
import { readFeatureSet } from '../../formats/feature-set.js';
import { byCodeUnit } from './image-folder.js';
import type { TrainSet } from './train-set.js';

/**
 * A training set of feature rows (a feature set: NAME.npy + NAME.keys.txt), e.g. a frozen trunk's features of a
 * face dataset, so that only a head on top of them is trained. Each key names its image as Identity/image.jpg,
 * as LFW and image folders do: the identity folder is the class. Rows are the input as they are, shaped
 * [1, 1, dim] so that every backbone taking an image (the mlp flattens it) takes them; a horizontal flip of a
 * one-pixel-wide input is the identity, so the training loop's flip augmentation leaves features unchanged.
 */
export interface FeatureTrainSet extends TrainSet {
  readonly classNames: readonly string[];
  /** Image key of each row, in row order. */
  readonly keys: readonly string[];
}

/** The identity a key names: its folder (`Name/Name_0001.jpg` → `Name`), or null for a key without one. */
export function identityOfKey(key: string): string | null {
  const slash = key.lastIndexOf('/');
  return slash > 0 ? key.slice(0, slash) : null;
}

export function openFeatureTrainSet(paths: { features: string; keys: string }, name = basename(paths.features, '.npy')): FeatureTrainSet {
  const set = readFeatureSet(paths.features, { keysPath: paths.keys });
  if (set.rows === 0) throw new UserError(`${paths.features}: the feature set has no rows`);
  const identities = set.keys.map((key, i) => {
    const identity = identityOfKey(key);
    if (identity === null) {
      throw new UserError(`${paths.keys}:${i + 1}: key '${key}' names no identity folder; a training feature set needs keys of the form Identity/image.jpg`);
    }
    return identity;
  });
  const classNames = [...new Set(identities)].sort(byCodeUnit);
  const labelOfName = new Map(classNames.map((n, label) => [n, label] as const));
  const labels = Int32Array.from(identities, (n) => labelOfName.get(n)!);
  const { dim, data } = set;
  const checkIndex = (index: number) => {
    if (!(index >= 0 && index < set.rows)) throw new RangeError(`feature row ${index} outside 0..${set.rows - 1}`);
  };
  return {
    name,
    numClasses: classNames.length,
    size: set.rows,
    shape: [1, 1, dim] as const,
    classNames,
    keys: set.keys,
    labelOf(index: number): number {
      checkIndex(index);
      return labels[index]!;
    },
    async read(indices: readonly number[]): Promise<Float32Array> {
      const out = new Float32Array(indices.length * dim);
      indices.forEach((index, i) => {
        checkIndex(index);
        out.set(data.subarray(index * dim, (index + 1) * dim), i * dim);
      });
      return out;
    },
  };
}
