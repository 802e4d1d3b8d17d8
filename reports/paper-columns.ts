import type { MetricDefinition, MetricSummary } from '../harness/run-store/leaderboard.js';
import type { RunRecord, SweepData } from './sweep-data.js';

/**
 * The columns a face-recognition paper prints: LFW accuracy, MegaFace rank-1 at the largest distractor size and
 * TAR@FAR=1e-6, IJB-C TAR@FAR 1e-6 … 1e-1. Each column knows how to read its value from a run's eval files, so a
 * column the leaderboard does not summarise is still filled from the runs themselves.
 */
export interface PaperColumn extends MetricDefinition {
  read(run: RunRecord): number | undefined;
  /** For a TAR at a target FAR: whether a run's evaluation set could measure it, and its impostor-pair count. */
  resolution?(run: RunRecord): { resolvable: boolean; impostorPairs: number } | undefined;
}

const PROTOCOL_NAMES: Record<string, string> = { lfw: 'LFW', megaface: 'MegaFace', ijbb: 'IJB-B', ijbc: 'IJB-C' };

/** The benchmark a column belongs to, from its key's protocol prefix: what a paper's spanning header names. */
export function protocolName(key: string): string {
  const prefix = key.split('.')[0];
  return PROTOCOL_NAMES[prefix] ?? prefix;
}

export const IJBC_FARS = ['1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1'] as const;

/** Reads a result's `resolvable` flag for one FAR key together with its impostor count. */
function resolutionIn(result: { resolvable?: Record<string, boolean> } | null | undefined, far: string, impostorPairs: number | undefined) {
  const resolvable = result?.resolvable?.[far];
  return typeof resolvable === 'boolean' && impostorPairs !== undefined ? { resolvable, impostorPairs } : undefined;
}

/** 1000000 → "1M", 10000 → "10k": how papers label distractor counts. */
export function distractorLabel(size: number): string {
  if (size >= 1e6 && size % 1e6 === 0) return `${size / 1e6}M`;
  if (size >= 1e3 && size % 1e3 === 0) return `${size / 1e3}k`;
  return String(size);
}

/** The largest MegaFace gallery size that any leaderboard metric or run result names. */
export function largestMegafaceSize(data: SweepData): number | null {
  const sizes = new Set<number>();
  for (const m of data.leaderboard.metrics) {
    const match = /^megaface\.identification\.(\d+)$/.exec(m.key);
    if (match) sizes.add(Number(match[1]));
  }
  for (const run of data.runs) for (const size of Object.keys(run.eval.megaface?.identification ?? {})) sizes.add(Number(size));
  const valid = [...sizes].filter((s) => Number.isFinite(s) && s > 0);
  return valid.length ? Math.max(...valid) : null;
}

export function paperColumns(data: SweepData): PaperColumn[] {
  const columns: PaperColumn[] = [
    { key: 'lfw.accuracy', title: 'LFW', better: 'higher', unit: 'percent', read: (r) => r.eval.lfw?.accuracy },
  ];
  const size = largestMegafaceSize(data);
  if (size !== null) {
    columns.push({
      key: `megaface.identification.${size}`,
      title: `MF rank-1 @${distractorLabel(size)}`,
      better: 'higher',
      unit: 'percent',
      read: (r) => r.eval.megaface?.identification?.[String(size)],
    });
  }
  columns.push({
    key: 'megaface.verification.tarAtFar1e-6',
    title: 'MF TAR@1e-6',
    better: 'higher',
    unit: 'percent',
    read: (r) => r.eval.megaface?.verification?.['tarAtFar1e-6'],
    resolution: (r) => resolutionIn(r.eval.megaface, '1e-6', r.eval.megaface?.counts?.impostorPairs),
  });
  for (const set of ['ijbb', 'ijbc'] as const) {
    for (const far of IJBC_FARS) {
      columns.push({
        key: `${set}.tarAtFar.${far}`,
        title: `${PROTOCOL_NAMES[set]} TAR@${far}`,
        better: 'higher',
        unit: 'percent',
        read: (r) => r.eval[set]?.tarAtFar?.[far],
        resolution: (r) => resolutionIn(r.eval[set], far, r.eval[set]?.counts?.impostor),
      });
    }
  }
  // The leaderboard's own titles and directions win: it is the contract the sweep runner writes.
  const defined = new Map(data.leaderboard.metrics.map((m) => [m.key, m]));
  return columns
    .map((c) => ({ ...c, ...pickDefinition(defined.get(c.key)), ...unresolvableIn(c, data.runs) }))
    .filter((c) => data.leaderboard.rows.some((row) => row.metrics[c.key]) || data.runs.some((r) => c.read(r) !== undefined));
}

function pickDefinition(d: MetricDefinition | undefined): Partial<MetricDefinition> {
  return d ? { title: d.title, better: d.better, unit: d.unit, ...(d.unresolvable ? { unresolvable: d.unresolvable } : {}) } : {};
}

/** A column is unresolvable when any run's evaluation set could not measure its target (the smallest such set named). */
function unresolvableIn(column: PaperColumn, runs: RunRecord[]): Partial<MetricDefinition> {
  const counts = runs.flatMap((r) => {
    const res = column.resolution?.(r);
    return res && !res.resolvable ? [res.impostorPairs] : [];
  });
  return counts.length ? { unresolvable: { impostorPairs: Math.min(...counts) } } : {};
}

/**
 * The column's summary for one variant: the leaderboard's when it has one, otherwise mean and population std over
 * the variant's finished runs that hold the value (the same definition the leaderboard uses).
 */
export function summarise(column: PaperColumn, variantMetrics: Record<string, MetricSummary>, runs: RunRecord[]): MetricSummary | null {
  const fromBoard = variantMetrics[column.key];
  if (fromBoard && Number.isFinite(fromBoard.mean)) return fromBoard;
  const values = runs
    .filter((r) => r.status === null || r.status.state === 'done')
    .map((r) => column.read(r))
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), n: values.length };
}
