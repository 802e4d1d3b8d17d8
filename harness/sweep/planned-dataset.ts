import type { DatasetEntry, DatasetStatus } from '../data/registry/registry.js';
import type { Protocol } from './protocol-metrics.js';

/** A dataset a sweep uses, as checked when it was planned. */
export interface PlannedDataset {
  entry: DatasetEntry;
  status: DatasetStatus;
  /** What is absent, for a dataset that is missing. */
  missing: string[];
}

export interface PlannedEvaluation extends PlannedDataset {
  protocol: Protocol;
  /** The run keeps the result as eval/<resultName>.json: the protocol, or the dataset's name for a .bin set. */
  resultName: string;
  /** Leaderboard metric keys start with `<metricPrefix>.`; titles name it too (e.g. 'LFW', 'cfp-fp'). */
  metricPrefix: string;
}
