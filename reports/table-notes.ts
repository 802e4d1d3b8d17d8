import type { ResultsTable } from './results-table.js';

/** One plain-text line per run that diverged or failed, so a table never hides why a variant has fewer seeds. */
export function failureNotes(table: ResultsTable): string[] {
  return table.rows.flatMap((row) =>
    row.failures.map((f) => `${row.variant}: run ${f.run} ${f.state} at step ${f.step}: ${f.reason}`),
  );
}

/** The mark an unresolved cell carries in every format, and the footnote that explains it. */
export const UNRESOLVED_MARK = '†';

/**
 * One line per column whose target FAR is below 1 / (impostor pairs) of its evaluation set: what the mark means,
 * with the count, so a reader never takes such a number for a measurement.
 */
export function resolutionNotes(table: ResultsTable): string[] {
  return table.columns.flatMap((c) =>
    c.unresolvable
      ? [`${UNRESOLVED_MARK} ${c.title}: the target FAR is below 1/${c.unresolvable.impostorPairs.toLocaleString('en-US')} (one impostor pair of this evaluation set), so it is not measurable here; the value is the reference code's reading of the ROC (largest TAR at the nearest FAR), kept for comparability.`]
      : [],
  );
}
