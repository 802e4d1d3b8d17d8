import { UserError } from '../../core/errors.js';
import type { TrainSet } from './train-set.js';

/**
 * The images of a training set whose identity passes `keep`, relabelled 0..C'-1 in the order of the original
 * labels. It is how a run trains without a test fold's people: the set itself is never copied, only indexed.
 */
export function identitySubset(set: TrainSet, keep: (identity: string) => boolean, why: string): TrainSet & { classNames: readonly string[] } {
  const names = set.classNames;
  if (!names) {
    throw new UserError(`training set ${set.name}: its format labels images by number, not by identity name, so it cannot be restricted (${why})`);
  }
  const newLabel = new Int32Array(names.length).fill(-1);
  const classNames: string[] = [];
  names.forEach((name, label) => {
    if (keep(name)) newLabel[label] = classNames.push(name) - 1;
  });
  const rows: number[] = [];
  for (let i = 0; i < set.size; i++) if (newLabel[set.labelOf(i)]! >= 0) rows.push(i);
  if (rows.length === 0) throw new UserError(`training set ${set.name}: no image is left once restricted (${why})`);
  const original = (index: number) => {
    const row = rows[index];
    if (row === undefined) throw new RangeError(`image index ${index} outside 0..${rows.length - 1}`);
    return row;
  };
  return {
    name: set.name,
    numClasses: classNames.length,
    size: rows.length,
    shape: set.shape,
    ...(set.skippedImages ? { skippedImages: set.skippedImages } : {}),
    classNames,
    labelOf: (index) => newLabel[set.labelOf(original(index))]!,
    read: (indices) => set.read(indices.map(original)),
  };
}
