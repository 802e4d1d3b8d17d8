import { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY } from '../run-store/convergence-criterion.js';
import type { Leaderboard, LeaderboardRow, MetricDefinition } from '../run-store/leaderboard.js';

/**
 * The table printed at the end of a sweep: one line per loss variant with its seeds and the headline metric
 * of each protocol (LFW accuracy, MegaFace rank-1 at the largest gallery and TAR@1e-6, IJB-C TAR@1e-4).
 */
export function summaryTable(board: Leaderboard): string {
  const columns = headlineMetrics(board.metrics);
  const header = ['loss variant', board.folds ? 'runs' : 'seeds', 'converged', ...columns.map((c) => (c.unit === 'percent' ? `${c.title} (%)` : c.title)), 'notes'];
  const rows = board.rows.map((row) => [row.variant, seedsCell(row), convergedCell(row), ...columns.map((c) => metricCell(row, c)), notesCell(row)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const unconverged = board.rows.some((r) => (r.convergence?.unconverged.length ?? 0) > 0);
  const notes = unconverged ? [`✗ some runs of this variant did not converge (at the end, θ_med, the median angle to the own class weight, above ${CONVERGED_THETA_MED_DEG}° and training accuracy below ${100 * CONVERGED_TRAIN_ACCURACY}%): its numbers measure a network the loss did not train`] : [];
  const footnotes = columns.flatMap((c) => (c.unresolvable ? [`† ${c.title}: FAR below 1/${c.unresolvable.impostorPairs} impostor pairs, not measurable on this set`] : []));
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ...notes, ...footnotes].join('\n') + '\n';
}

function headlineMetrics(metrics: MetricDefinition[]): MetricDefinition[] {
  const sizes = metrics.map((m) => /^megaface\.identification\.(\d+)$/.exec(m.key)).filter((m) => m !== null).map((m) => Number(m![1]));
  const largest = sizes.length ? `megaface.identification.${Math.max(...sizes)}` : null;
  const wanted = ['lfw.accuracy', largest, 'megaface.verification.tarAtFar1e-6', 'ijbc.tarAtFar.1e-4'];
  return wanted.flatMap((key) => metrics.filter((m) => m.key === key));
}

function seedsCell(row: LeaderboardRow): string {
  return row.seeds.done === row.seeds.planned ? String(row.seeds.done) : `${row.seeds.done}/${row.seeds.planned}`;
}

function convergedCell(row: LeaderboardRow): string {
  const c = row.convergence;
  if (!c || c.checked === 0) return '—';
  return `${c.converged}/${c.checked}${c.unconverged.length ? ' ✗' : ''}`;
}

function metricCell(row: LeaderboardRow, metric: MetricDefinition): string {
  const s = row.metrics[metric.key];
  if (!s) return '—';
  const scale = metric.unit === 'percent' ? 100 : 1;
  const digits = metric.unit === 'percent' ? 2 : 4;
  const mean = (s.mean * scale).toFixed(digits);
  const mark = metric.unresolvable ? ' †' : '';
  return (s.n > 1 ? `${mean} ± ${(s.std * scale).toFixed(digits)}` : mean) + mark;
}

function notesCell(row: LeaderboardRow): string {
  return row.failures.map((f) => `${f.state} at step ${f.step}: ${f.reason}`).join('; ');
}
