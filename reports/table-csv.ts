import { stringify } from 'csv-stringify/sync';
import type { ResultsTable } from './results-table.js';

/**
 * The results table as CSV for spreadsheets and scripts: raw values (fractions, not percentages) with full
 * precision, one mean/std/n/best column group per metric key. Quoting is csv-stringify's.
 */
export function resultsTableCsv(table: ResultsTable): string {
  const header = [
    'variant', 'loss', 'params', 'seeds_planned', 'seeds_done', 'seeds_diverged', 'seeds_failed', 'runs_converged', 'runs_unconverged',
    ...table.columns.flatMap((c) => [`${c.key} mean`, `${c.key} std`, `${c.key} n`, `${c.key} best`, `${c.key} resolvable`]),
  ];
  const rows = table.rows.map((r) => [
    r.variant,
    r.loss,
    JSON.stringify(r.params),
    r.seeds?.planned ?? '',
    r.seeds?.done ?? '',
    r.seeds?.diverged ?? '',
    r.seeds?.failed ?? '',
    r.convergence.converged,
    r.convergence.unconverged.length,
    ...r.cells.flatMap((cell) => (cell.summary ? [cell.summary.mean, cell.summary.std, cell.summary.n, cell.best, !cell.unresolved] : ['', '', 0, false, !cell.unresolved])),
  ]);
  // Excel and LibreOffice would run a cell starting with = + - @ as a formula; a leading quote keeps it text.
  const inert = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  return stringify([header, ...rows.map((r) => r.map(inert))], { cast: { boolean: (b) => (b ? 'true' : 'false') } });
}
