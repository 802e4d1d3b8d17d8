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
  cells: TableCell[];
}

export interface ResultsTable {
  columns: PaperColumn[];
  rows: TableRow[];
  /** What each cell's mean ± std runs over (seeds, or held-out folds), with the caption that says so. */
  spread: StudySpread;
}

export function buildResultsTable(data: SweepData): ResultsTable {
  const columns = paperColumns(data);
  const rows = data.leaderboard.rows.map((row): TableRow => {
    const runs = data.runs.filter((r) => r.variant === row.variant);
    const cells = columns.map((column): TableCell => {
      const summary = summarise(column, row.metrics, runs);
      return { summary, formatted: summary ? formatSummary(summary, column.unit) : null, best: false, unresolved: column.unresolvable !== undefined };
    });
    return {
      variant: row.variant,
      loss: row.loss,
      params: row.params ?? {},
      seeds: row.seeds,
      seedsText: seedsText(row.seeds),
      runs: row.runs,
      failures: row.failures ?? [],
      cells,
    };
  });
  columns.forEach((column, c) => markBest(rows.map((r) => r.cells[c]), column));
  return { columns, rows, spread: studySpread(data.leaderboard) };
}

/**
 * Marks every cell whose printed mean equals the best printed mean: comparing what the reader sees means two
 * entries that print the same are both bold, and a difference hidden by rounding never decides. A column where
 * every entry prints the same (e.g. all 0.00 at FAR 1e-6 on a tiny set) has no best, and neither has a column
 * whose target its evaluation set cannot measure.
 */
function markBest(cells: TableCell[], column: PaperColumn): void {
  if (column.unresolvable) return;
  const printed = cells.map((cell) => (cell.formatted ? Number(cell.formatted.mean) : null));
  const present = printed.filter((v): v is number => v !== null);
  if (present.length < 2) return;
  const best = column.better === 'higher' ? Math.max(...present) : Math.min(...present);
  if (present.every((v) => v === best)) return;
  cells.forEach((cell, i) => (cell.best = printed[i] === best));
}

function seedsText(seeds: LeaderboardRow['seeds']): string {
  if (!seeds) return '';
  if (seeds.done === seeds.planned) return String(seeds.done);
  const notes = [seeds.diverged ? `${seeds.diverged} diverged` : '', seeds.failed ? `${seeds.failed} failed` : ''].filter(Boolean);
  return `${seeds.done}/${seeds.planned}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
