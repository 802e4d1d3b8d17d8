import type { MetricDefinition, MetricSummary } from '../harness/run-store/leaderboard.js';

/** Decimal places a paper prints: two for percentages (99.45), four for raw numbers. */
export function decimalsFor(unit: MetricDefinition['unit']): number {
  return unit === 'percent' ? 2 : 4;
}

/** The value as printed, in the column's unit ('percent' multiplies by 100). */
export function formatValue(value: number, unit: MetricDefinition['unit']): string {
  return (unit === 'percent' ? 100 * value : value).toFixed(decimalsFor(unit));
}

/** Mean and, with more than one seed, the std beside it; the pieces stay apart so each target sets its own ±. */
export interface FormattedSummary {
  mean: string;
  std: string | null;
}

export function formatSummary(summary: MetricSummary, unit: MetricDefinition['unit']): FormattedSummary {
  return { mean: formatValue(summary.mean, unit), std: summary.n > 1 ? formatValue(summary.std, unit) : null };
}

/** Column header with its unit, e.g. "LFW (%)". */
export function headerWithUnit(definition: Pick<MetricDefinition, 'title' | 'unit'>): string {
  return definition.unit === 'percent' ? `${definition.title} (%)` : definition.title;
}
