import { checkFold } from '../data/readers/fold-holdout.js';
import { resolveDataset, type DatasetEntry, type DatasetFormat, type RegistryOptions } from '../data/registry/registry.js';
import { UserError } from '../core/errors.js';
import { readLfwPairs } from '../formats/lfw-pairs.js';
import type { FoldsConfig } from './sweep-config.js';
import type { PlannedEvaluation } from './planned-dataset.js';

/**
 * A sweep's `folds` axis checked against the registry: the folds come from an lfw set the sweep evaluates, the
 * training set names its identities (so a fold's people can be left out), and every test fold exists.
 */
export interface PlannedFolds {
  dataset: string;
  /** 1-based, in config order. */
  test: number[];
}

/** Formats whose training sets name their identities, which a held-out fold is matched against. */
const NAMED_IDENTITY_FORMATS: readonly DatasetFormat[] = ['image-folder', 'features'];
/** The fold count of LFW's View 2, assumed for "all" until the pairs file is there to say. */
const LFW_FOLDS = 10;

export function planFolds(folds: FoldsConfig, trainEntry: DatasetEntry, evaluate: PlannedEvaluation[], registry: RegistryOptions, where: (key: string) => string): PlannedFolds {
  const evaluation = evaluate.find((d) => d.entry.name === folds.dataset);
  if (!evaluation) throw new UserError(`${where('folds.dataset')}: "${folds.dataset}" must also be listed under "evaluate": each run is scored on its held-out fold of it`);
  if (evaluation.entry.role !== 'lfw') throw new UserError(`${where('folds.dataset')}: "${folds.dataset}" is a ${evaluation.entry.role} set; folds come from an lfw set's pairs.txt`);
  if (!NAMED_IDENTITY_FORMATS.includes(trainEntry.format)) {
    throw new UserError(`${where('train.dataset')}: "${trainEntry.name}" (format ${trainEntry.format}) labels images by number, so a fold's identities cannot be held out of it; use an ${NAMED_IDENTITY_FORMATS.join(' or ')} set`);
  }
  const pairsPath = resolveDataset(folds.dataset, registry).paths.pairs!;
  const pairs = evaluation.status === 'present' ? readLfwPairs(pairsPath) : null;
  if (folds.test === 'all') return { dataset: folds.dataset, test: Array.from({ length: pairs?.folds ?? LFW_FOLDS }, (_, i) => i + 1) };
  if (pairs) {
    folds.test.forEach((fold, i) => {
      try {
        checkFold(fold, pairs, pairsPath);
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${where(`folds.test[${i}]`)}: ${e.message}`);
        throw e;
      }
    });
  }
  return { dataset: folds.dataset, test: folds.test };
}
