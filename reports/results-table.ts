import type { LeaderboardRow, MetricSummary, RunFailure } from '../harness/run-store/leaderboard.js';
import { formatSummary, type FormattedSummary } from './metric-format.js';
import { paperColumns, summarise, type PaperColumn } from './paper-columns.js';
import { studySpread, type StudySpread } from './study-spread.js';
import type { SweepData } from './sweep-data.js';

/**
 * The paper's results table, independent of any output format: losses as rows, metrics as columns, each cell
 * mean ± std over seeds with the best of its column marked. Markdown, LaTeX, CSV and HTML render this one model.
 */
export interface TableCell {
  summary: MetricSummary | null;
  formatted: FormattedSummary | null;
  best: boolean;
  /** The column's target FAR is below what its evaluation set can measure: shown marked, never best. */
  unresolved: boolean;
  /** A run of the row did not converge: the cell is shown marked and never best. */
  unconverged: boolean;
}

export interface TableRow {
  variant: string;
  loss: string;
  params: LeaderboardRow['params'];
  seeds: LeaderboardRow['seeds'];
  /** e.g. "2", or "1/2 (1 diverged)" when some seeds did not finish. */
  seedsText: string;
  runs: string[];
  failures: RunFailure[];
  /** Runs with a convergence verdict, how many converged, and those that did not (status.json). */
  convergence: { checked: number; converged: number; unconverged: string[] };
  cells: TableCell[];
}

export interface ResultsTable {
  columns: PaperColumn[];
  rows: TableRow[];
  /** What each cell's mean ± std runs over (seeds, or held-out folds), with the caption that says so. */
  spread: StudySpread;
}

/**
 * The headline columns a paper's main table prints in one column width: LFW accuracy, MegaFace rank-1 at the
 * largest gallery and TAR@1e-6, IJB-B/C TAR@1e-4. The full table has every column.
 */
export function isMainColumn(key: string): boolean {
  return key === 'lfw.accuracy' || /^megaface\.identification\.\d+$/.test(key) || key === 'megaface.verification.tarAtFar1e-6' || /^ijb[bc]\.tarAtFar\.1e-4$/.test(key);
}

export function buildResultsTable(data: SweepData, opts: { columns?: 'main' | 'full' } = {}): ResultsTable {
  const columns = paperColumns(data).filter((c) => opts.columns !== 'main' || isMainColumn(c.key));
  const rows = data.leaderboard.rows.map((row): TableRow => {
    const runs = data.runs.filter((r) => r.variant === row.variant);
    const convergence = row.convergence ?? convergenceOf(runs);
    const unconverged = convergence.unconverged.length > 0;
    const cells = columns.map((column): TableCell => {
      const summary = summarise(column, row.metrics, runs);
      return { summary, formatted: summary ? formatSummary(summary, column.unit) : null, best: false, unresolved: column.unresolvable !== undefined, unconverged };
    });
    return {
      variant: row.variant,
      loss: row.loss,
      params: row.params ?? {},
      seeds: row.seeds,
      seedsText: seedsText(row.seeds),
      runs: row.runs,
      failures: row.failures ?? [],
      convergence,
      cells,
    };
  });
  columns.forEach((column, c) => markBest(rows.map((r) => r.cells[c]), column));
  return { columns, rows, spread: studySpread(data.leaderboard) };
}

/**
 * Marks every cell whose printed mean equals the best printed mean: comparing what the reader sees means two
 * entries that print the same are both bold, and a difference hidden by rounding never decides. A column where
 * every entry prints the same (e.g. all 0.00 at FAR 1e-6 on a tiny set) has no best, neither has a column
 * whose target its evaluation set cannot measure, and a row with an unconverged run is never best.
 */
function markBest(cells: TableCell[], column: PaperColumn): void {
  if (column.unresolvable) return;
  // An unconverged row competes for nothing: its numbers are not a measurement of the loss.
  const printed = cells.map((cell) => (cell.formatted && !cell.unconverged ? Number(cell.formatted.mean) : null));
  const present = printed.filter((v): v is number => v !== null);
  if (present.length < 2) return;
  const best = column.better === 'higher' ? Math.max(...present) : Math.min(...present);
  if (present.every((v) => v === best)) return;
  cells.forEach((cell, i) => (cell.best = printed[i] === best && !cell.unconverged));
}

/** A leaderboard written before verdicts were gathered: the runs' own status files say. */
function convergenceOf(runs: SweepData['runs']): TableRow['convergence'] {
  const judged = runs.filter((r) => r.status?.convergence);
  const unconverged = judged.filter((r) => !r.status!.convergence!.converged).map((r) => r.name);
  return { checked: judged.length, converged: judged.length - unconverged.length, unconverged };
}

function seedsText(seeds: LeaderboardRow['seeds']): string {
  if (!seeds) return '';
  if (seeds.done === seeds.planned) return String(seeds.done);
  const notes = [seeds.diverged ? `${seeds.diverged} diverged` : '', seeds.failed ? `${seeds.failed} failed` : ''].filter(Boolean);
  return `${seeds.done}/${seeds.planned}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
