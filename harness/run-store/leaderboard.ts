/**
 * The leaderboard of a sweep (runs/<sweep>/leaderboard.json, and as CSV beside it): one row per loss variant,
 * mean ± std over its runs — seeds, and in a cross-validation sweep the held-out folds — of every metric. The sweep runner writes it; `flb report` reads it together with the run
 * directories it names. This file is the contract between the two.
 */
export interface MetricSummary {
  /** Mean over the runs (seeds × held-out folds) that finished. */
  mean: number;
  /** Population standard deviation over those runs (0 with one run). */
  std: number;
  /** Runs that contributed. */
  n: number;
}

export interface MetricDefinition {
  /** Stable id, `<protocol>.<path>`, e.g. 'lfw.accuracy', 'megaface.identification.1000000', 'ijbc.tarAtFar.1e-4'. */
  key: string;
  /** Column title as a paper prints it, e.g. 'LFW', 'MF rank-1 @1M', 'IJB-C TAR@1e-4'. */
  title: string;
  /** Which direction is better, for marking the best value of a column. */
  better: 'higher' | 'lower';
  /** How values are shown: 'percent' multiplies by 100. */
  unit: 'percent' | 'number';
  /**
   * Set when the metric is TAR/VAL at a target FAR below 1 / (impostor pairs) of its evaluation set: not
   * measurable there. The value is still the reference code's reading (for comparability), but it is marked
   * wherever shown and never marked best.
   */
  unresolvable?: { impostorPairs: number };
}

export interface RunFailure {
  run: string;
  state: 'diverged' | 'failed';
  /** Training step at which it ended. */
  step: number;
  reason: string;
}

export interface LeaderboardRow {
  /** Unique label of the loss variant, e.g. 'ArcFace (m=0.3)'. Comes from configs and plugins: escape it wherever it lands. */
  variant: string;
  loss: string;
  /** The plugin's display title, e.g. 'ArcFace'. */
  title: string;
  /** The parameters that distinguish this variant (empty for the defaults). */
  params: Record<string, number | boolean | null>;
  /** Runs of this variant: one per seed, times the test folds in a cross-validation sweep (the key predates folds). */
  seeds: { planned: number; done: number; diverged: number; failed: number };
  /** Run directory names (relative to the sweep folder) of the runs started, in plan order (fold, then seed). */
  runs: string[];
  metrics: Record<string, MetricSummary>;
  failures: RunFailure[];
  /**
   * Convergence verdicts of the finished runs (status.json): how many had one, how many converged, and the runs
   * that did not. A variant with an unconverged run is marked wherever its numbers are shown and never marked best.
   */
  convergence: { checked: number; converged: number; unconverged: string[] };
}

export interface Leaderboard {
  sweep: string;
  /** The study config as given (sweeps/NAME.json). */
  config: unknown;
  createdAt: string;
  metrics: MetricDefinition[];
  rows: LeaderboardRow[];
  /**
   * A cross-validation sweep: each variant ran once per test fold of this lfw set, trained without that fold's
   * identities and scored on it alone, so its metrics are mean ± std over the folds. Absent otherwise.
   */
  folds?: { dataset: string; test: number[] };
}
