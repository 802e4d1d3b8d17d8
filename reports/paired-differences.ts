import { createRequire } from 'node:module';
import { UserError } from '../harness/core/errors.js';
import type { PaperColumn } from './paper-columns.js';
import type { RunRecord, SweepData } from './sweep-data.js';

/**
 * Each variant's difference to a baseline variant, paired by seed (and held-out fold): for each seed both ran, d =
 * value(variant) − value(baseline); the table gives the mean of d with a 95% Student-t interval over the pairs,
 * mean ± t(0.975, n−1)·sd(d)/√n (sd with n − 1), and marks a difference as distinguishable from zero when its
 * interval excludes zero. Pairing by seed removes what a seed changes for every loss alike (initialisation, batch
 * order), which is why a paired interval can separate losses that unpaired mean ± std cannot.
 */
const { jStat } = createRequire(import.meta.url)('jstat') as { jStat: { studentt: { inv(p: number, dof: number): number } } };

export const DIFFERENCE_METHOD =
  'Paired by seed: for every seed both variants ran, d = variant − baseline; shown is the mean of d and its 95% Student-t interval over the seeds, mean ± t(0.975, n−1)·sd/√n. * marks an interval that excludes zero. With 3 seeds t = 4.30, so only differences several times larger than their seed-to-seed spread count.';

export interface DifferenceCell {
  /** Seeds (pairs) the difference is over. */
  n: number;
  mean: number;
  /** The 95% interval; NaN with fewer than two pairs. */
  low: number;
  high: number;
  distinguishable: boolean;
}

export interface DifferenceRow {
  variant: string;
  /** A run of the variant or of the baseline did not converge: the difference compares an unlearnt model. */
  unconverged: boolean;
  cells: Array<DifferenceCell | null>;
}

export interface DifferenceTable {
  baseline: string;
  columns: PaperColumn[];
  rows: DifferenceRow[];
}

/** The 95% paired interval of a list of differences. */
export function pairedInterval(d: readonly number[]): DifferenceCell {
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, low: NaN, high: NaN, distinguishable: false };
  const sd = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, low: mean - half, high: mean + half, distinguishable: mean - half > 0 || mean + half < 0 };
}

/** The baseline's label: the one asked for, else the dynamic AdaCos variant (the paper's proposal), else the first. */
export function chooseBaseline(data: SweepData, asked?: string): string {
  const labels = data.leaderboard.rows.map((r) => r.variant);
  if (asked !== undefined) {
    if (!labels.includes(asked)) throw new UserError(`--baseline '${asked}' is not a variant of this sweep; variants: ${labels.join(', ')}`);
    return asked;
  }
  return data.leaderboard.rows.find((r) => r.loss === 'adacos-dynamic')?.variant ?? labels[0]!;
}

const pairKey = (r: RunRecord) => `${r.fold ?? ''}|${r.seed ?? ''}`;
const finished = (r: RunRecord) => r.status === null || r.status.state === 'done';
const unconverged = (runs: RunRecord[]) => runs.some((r) => r.status?.convergence && !r.status.convergence.converged);

export function buildDifferenceTable(data: SweepData, columns: PaperColumn[], baseline: string): DifferenceTable {
  const runsOf = (variant: string) => data.runs.filter((r) => r.variant === variant && finished(r));
  const base = runsOf(baseline);
  const rows = data.leaderboard.rows
    .filter((r) => r.variant !== baseline)
    .map((row): DifferenceRow => {
      const runs = runsOf(row.variant);
      const cells = columns.map((column) => {
        const d = runs.flatMap((run) => {
          const partner = base.find((b) => pairKey(b) === pairKey(run));
          const [x, y] = [column.read(run), partner ? column.read(partner) : undefined];
          return typeof x === 'number' && typeof y === 'number' ? [x - y] : [];
        });
        return d.length ? pairedInterval(d) : null;
      });
      return { variant: row.variant, unconverged: unconverged(runs) || unconverged(base), cells };
    });
  return { baseline, columns, rows };
}
