import { UserError } from '../../core/errors.js';
import type { LfwPairs } from '../../formats/lfw-pairs.js';
import { identitySubset } from './identity-subset.js';
import type { TrainSet } from './train-set.js';

export type { Holdout } from '../../run-store/run-definition.js';

/**
 * LFW's image-unrestricted protocol for a model trained on LFW itself: for test fold k, train only on the people
 * who appear in the other folds' pairs, then score fold k's pairs. View 2's ten folds are identity-disjoint, so
 * no person of fold k is seen in training; a pairs file whose folds share a person is handled by keeping that
 * person out of training whenever their fold is held out.
 */
export interface HoldoutSplit {
  /** People of the other folds' pairs, less those of the test fold: the only identities a run may train on. */
  train: Set<string>;
  /** People named by the test fold's pairs. */
  test: Set<string>;
}

/** The people each fold's pairs name, per 0-based fold. */
export function foldIdentities(pairs: LfwPairs): Set<string>[] {
  const folds = Array.from({ length: pairs.folds }, () => new Set<string>());
  for (const p of pairs.pairs) {
    folds[p.fold]!.add(p.a.name);
    folds[p.fold]!.add(p.b.name);
  }
  return folds;
}

/** Refuses a fold that the pairs file does not have, naming the file and the valid range. */
export function checkFold(fold: number, pairs: LfwPairs, pairsPath: string): void {
  if (!Number.isInteger(fold) || fold < 1 || fold > pairs.folds) {
    throw new UserError(`${pairsPath}: fold ${fold} is out of range: the file has ${pairs.folds} fold${pairs.folds === 1 ? '' : 's'} (1–${pairs.folds})`);
  }
}

export function holdoutSplit(pairs: LfwPairs, fold: number, pairsPath: string): HoldoutSplit {
  checkFold(fold, pairs, pairsPath);
  if (pairs.folds < 2) throw new UserError(`${pairsPath}: one fold only; holding it out leaves nothing to train on`);
  const folds = foldIdentities(pairs);
  const test = folds[fold - 1]!;
  const train = new Set<string>();
  folds.forEach((people, i) => {
    if (i !== fold - 1) for (const name of people) if (!test.has(name)) train.add(name);
  });
  return { train, test };
}

/** The training set restricted to the identities a run with this held-out fold may see. */
export function holdOutFold(set: TrainSet, pairs: LfwPairs, pairsPath: string, fold: number): TrainSet {
  const split = holdoutSplit(pairs, fold, pairsPath);
  return identitySubset(set, (name) => split.train.has(name), `identities of the folds other than fold ${fold} of ${pairsPath}`);
}
