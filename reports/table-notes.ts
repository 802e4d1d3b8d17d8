import type { ResultsTable } from './results-table.js';

/** One plain-text line per run that diverged or failed, so a table never hides why a variant has fewer seeds. */
export function failureNotes(table: ResultsTable): string[] {
  return table.rows.flatMap((row) =>
    row.failures.map((f) => `${row.variant}: run ${f.run} ${f.state} at step ${f.step}: ${f.reason}`),
  );
}
