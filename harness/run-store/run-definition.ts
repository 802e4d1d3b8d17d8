import type { EngineInfo } from '../engine/backend-choice.js';
import type { TrainSettings } from './train-settings.js';

/** A plugin parameter's value after it was parsed and checked against the plugin's spec. */
export type ParamValue = number | boolean | null;

/**
 * A protocol fold held out of training (LFW's image-unrestricted protocol for a model trained on LFW itself): the
 * run trains only on the people of the other folds' pairs, and its evaluation on that dataset scores fold `fold`.
 */
export interface Holdout {
  /** The lfw-role dataset (registry name) whose pairs.txt defines the folds. */
  dataset: string;
  /** 1-based test fold, as people say "fold 3 of 10". */
  fold: number;
}

/**
 * What defines a run: its hash is the run's key, so the same definition always lands in the same place and a
 * finished run is never trained twice. Built only by `defineRun` (harness/training/define-run.ts), for `flb
 * train` and `flb sweep` alike: parameters are typed values with every default filled in, so `m=.3`, `m=0.3`,
 * a config's `0.3`, and leaving out a parameter at its default each give one definition.
 */
export interface RunDefinition {
  loss: { name: string; params: Record<string, ParamValue> };
  backbone: { name: string; params: Record<string, ParamValue> };
  dataset: string;
  /** Absent for ordinary runs. */
  holdout?: Holdout;
  train: TrainSettings;
}

/** What config.json holds: the definition plus everything needed to rerun and to read the run later. */
export interface RunConfig {
  /** The hash of `definition` (the run directory is `<loss>-<key>`). */
  key: string;
  definition: RunDefinition;
  /** Parameter values after the class count's derived values were filled in (e.g. L2-softmax's α). */
  resolved: { lossParams: Record<string, unknown>; backboneParams: Record<string, unknown> };
  /** Where the plugins were loaded from (a user plugin's file matters for a rerun). */
  sources: { loss: string; backbone: string };
  /** The data root the run was trained from (absent: the default), so `--resume` finds the data again. */
  dataRoot?: string;
  /** `skippedImages`: images left out because they cannot be decoded (flb train --skip-bad-images), by key. */
  dataset: { name: string; numClasses: number; size: number; shape: readonly number[]; skippedImages?: readonly string[] };
  engine: { requested: string; backend: string; provider: string; reason: string; tfjsVersion: string; adapter?: EngineInfo['adapter'] };
  versions: { node: string; facelossbench: string };
  command: string[];
  createdAt: string;
}
