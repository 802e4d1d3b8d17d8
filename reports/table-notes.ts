import { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY, CONVERGENCE_WINDOW } from '../harness/run-store/convergence-criterion.js';
import type { ResultsTable } from './results-table.js';

/** One plain-text line per run that diverged or failed, so a table never hides why a variant has fewer seeds. */
export function failureNotes(table: ResultsTable): string[] {
  return table.rows.flatMap((row) =>
    row.failures.map((f) => `${row.variant}: run ${f.run} ${f.state} at step ${f.step}: ${f.reason}`),
  );
}

/** The mark an unresolved cell carries in every format, and the footnote that explains it. */
export const UNRESOLVED_MARK = '†';
/** The mark every cell of a row with an unconverged run carries. */
export const UNCONVERGED_MARK = '‡';

/** The marks a cell carries, in the order they are printed. */
export function cellMarks(cell: { unresolved: boolean; unconverged: boolean }): string {
  return `${cell.unconverged ? UNCONVERGED_MARK : ''}${cell.unresolved ? UNRESOLVED_MARK : ''}`;
}

/**
 * What ‡ means, with the rows it marks, in words a reader of the table needs: such numbers describe a model that
 * did not learn its training classes under this setting, not the loss.
 */
export function convergenceNotes(table: ResultsTable): string[] {
  const marked = table.rows.filter((r) => r.convergence.unconverged.length > 0);
  if (marked.length === 0) return [];
  const list = marked.map((r) => `${r.variant} (${r.convergence.unconverged.length} of ${r.convergence.checked} runs)`).join('; ');
  return [
    `${UNCONVERGED_MARK} Did not converge: ${list}. Criterion: over the last ${100 * CONVERGENCE_WINDOW}% of steps, the median angle between a training sample and its own class weight (θ_med, before any margin) stayed above ${CONVERGED_THETA_MED_DEG}° and the training accuracy (top-1 without the margin) below ${100 * CONVERGED_TRAIN_ACCURACY}% — the loss neither moved the target angles far from the 90° they start at nor learnt to tell the training classes apart, i.e. it did not train the network in this setting, so these numbers say nothing about the loss itself, only that its hyperparameters (often the scale s) do not suit this class count and schedule. Never marked best.`,
  ];
}

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
