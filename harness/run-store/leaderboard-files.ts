import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import type { Leaderboard } from './leaderboard.js';

/** Writes leaderboard.json and leaderboard.csv into the sweep folder, each atomically; returns their paths. */
export function writeLeaderboard(sweepDir: string, board: Leaderboard): { json: string; csv: string } {
  const paths = { json: join(sweepDir, 'leaderboard.json'), csv: join(sweepDir, 'leaderboard.csv') };
  writeJsonAtomic(paths.json, board);
  writeFileAtomic(paths.csv, leaderboardCsv(board));
  return paths;
}

/**
 * One line per loss variant: its seeds, then mean, std and n of every metric at full precision (fractions,
 * not percent), then the failures. For spreadsheets and scripts; the report formats its own tables.
 */
export function leaderboardCsv(board: Leaderboard): string {
  const header = [
    'variant',
    'loss',
    'title',
    'params',
    'seeds_planned',
    'seeds_done',
    'seeds_diverged',
    'seeds_failed',
    'runs_converged',
    'runs_unconverged',
    ...board.metrics.flatMap((m) => [`${m.key}.mean`, `${m.key}.std`, `${m.key}.n`]),
    'failures',
  ];
  const rows = board.rows.map((row) => [
    row.variant,
    row.loss,
    row.title,
    Object.entries(row.params)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
    row.seeds.planned,
    row.seeds.done,
    row.seeds.diverged,
    row.seeds.failed,
    row.convergence?.converged ?? '',
    row.convergence?.unconverged.length ?? '',
    ...board.metrics.flatMap((m) => {
      const s = row.metrics[m.key];
      return s ? [s.mean, s.std, s.n] : ['', '', 0];
    }),
    row.failures.map((f) => `${f.run}: ${f.state} at step ${f.step}: ${f.reason}`).join(' | '),
  ]);
  return stringify([header, ...rows]);
}
