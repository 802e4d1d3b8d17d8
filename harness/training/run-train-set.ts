import { holdOutFold } from '../data/readers/fold-holdout.js';
import { ensureDataset, openTrainSet, type OpenOptions } from '../data/registry/registry.js';
import type { TrainSet } from '../data/readers/train-set.js';
import { UserError } from '../core/errors.js';
import { readLfwPairs } from '../formats/lfw-pairs.js';
import type { RunDefinition } from '../run-store/run-definition.js';

/**
 * The training set a run definition names, with its held-out fold's identities removed when it has one. Every
 * way into training (flb train, --resume, a sweep) opens its set here, so a resumed run sees the same images.
 * `open` lets a sweep open the underlying set once for all its runs.
 */
export async function openRunTrainSet(
  definition: Pick<RunDefinition, 'dataset' | 'holdout'>,
  opts: OpenOptions,
  open: (name: string) => Promise<TrainSet> = (name) => openTrainSet(name, opts),
): Promise<TrainSet> {
  const set = await open(definition.dataset);
  const holdout = definition.holdout;
  if (!holdout) return set;
  const folds = await ensureDataset(holdout.dataset, opts);
  if (folds.entry.role !== 'lfw') {
    throw new UserError(`held-out fold: dataset "${holdout.dataset}" is a ${folds.entry.role} set; folds come from an lfw set's pairs.txt`);
  }
  const pairsPath = folds.paths.pairs!;
  return holdOutFold(set, readLfwPairs(pairsPath), pairsPath, holdout.fold);
}
