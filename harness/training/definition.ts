import type { Holdout } from '../data/readers/fold-holdout.js';
import type { RawParams } from '../plugins/params.js';
import type { TrainSettings } from './settings.js';

/**
 * What defines a run: its hash is the run's key, so the same definition always lands in the same place and a
 * finished run is never trained twice.
 */
export interface RunDefinition {
  loss: { name: string; params: RawParams };
  backbone: { name: string; params: RawParams };
  dataset: string;
  /**
   * A protocol fold held out of training (cross-validation on LFW's folds): the run trains only on identities of
   * the other folds, and its evaluation on that dataset scores the held-out fold. Absent for ordinary runs, so
   * their hashes are unchanged.
   */
  holdout?: Holdout;
  train: TrainSettings;
}

/** What config.json holds: the definition plus everything needed to rerun and to read the run later. */
export interface RunConfig {
  key: string;
  definition: RunDefinition;
  /** Parameter values after defaults and derived values were filled in. */
  resolved: { lossParams: Record<string, unknown>; backboneParams: Record<string, unknown> };
  /** Where the plugins were loaded from (a user plugin's file matters for a rerun). */
  sources: { loss: string; backbone: string };
  dataset: { name: string; numClasses: number; size: number; shape: readonly number[] };
  engine: { requested: string; backend: string; provider: string; reason: string; tfjsVersion: string };
  versions: { node: string; facelossbench: string };
  command: string[];
  createdAt: string;
}
