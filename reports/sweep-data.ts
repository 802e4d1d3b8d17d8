import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { runAt, type MetricsLine, type RunHandle, type RunStatus } from '../harness/run-store/run-store.js';
import type { Leaderboard, LeaderboardRow } from '../harness/run-store/leaderboard.js';
import type { RunConfig } from '../harness/run-store/run-definition.js';
import type { AngleSnapshot, AnglesArtefact } from '../harness/run-store/angles.js';
import type { LfwResult } from '../protocols/evaluate-lfw.js';
import type { MegafaceResult } from '../protocols/evaluate-megaface.js';
import type { IjbcResult } from '../protocols/evaluate-ijbc.js';
import { readJsonFile } from '../harness/core/read-file.js';

/** Everything the report reads from one run directory; absent files are null, so a failed run still shows. */
export interface RunRecord {
  /** Directory name relative to the sweep folder, as the leaderboard names it. */
  name: string;
  dir: string;
  /** The leaderboard variant this run belongs to. */
  variant: string;
  seed: number | null;
  /** The held-out test fold of a cross-validation run (1-based), else null. */
  fold: number | null;
  config: RunConfig | null;
  status: RunStatus | null;
  metrics: MetricsLine[];
  eval: { lfw: LfwResult | null; megaface: MegafaceResult | null; ijbc: IjbcResult | null; ijbb: IjbcResult | null };
  /** Target angles θ_y (degrees) of the training samples at the end of training, from angles.json. */
  thetaTargetDeg: number[] | null;
  /** The angle snapshots taken during training (angles.json "snapshots"; runs from before them have none). */
  angleSnapshots: AngleSnapshot[];
}

export interface SweepData {
  dir: string;
  leaderboardPath: string;
  leaderboard: Leaderboard;
  /** Runs in leaderboard order: row by row, seed by seed. */
  runs: RunRecord[];
}

/** Reads runs/<sweep>/leaderboard.json and every run directory it names. */
export function loadSweep(sweepDir: string): SweepData {
  const dir = resolve(sweepDir);
  const leaderboardPath = join(dir, 'leaderboard.json');
  if (!existsSync(leaderboardPath)) {
    throw new UserError(`${leaderboardPath}: no leaderboard; run the sweep first (flb sweep --config sweeps/NAME.json)`);
  }
  const leaderboard = parseLeaderboard(leaderboardPath);
  const runs = leaderboard.rows.flatMap((row) => row.runs.map((name) => loadRun(dir, name, row.variant)));
  return { dir, leaderboardPath, leaderboard, runs };
}

function parseLeaderboard(path: string): Leaderboard {
  const value = readJsonFile(path, 'sweep leaderboard');
  const board = value as Partial<Leaderboard>;
  if (!board || typeof board !== 'object') throw new UserError(`${path}: expected a JSON object`);
  if (!Array.isArray(board.metrics)) throw new UserError(`${path}: key "metrics" must be an array of metric definitions`);
  if (!Array.isArray(board.rows)) throw new UserError(`${path}: key "rows" must be an array`);
  board.metrics.forEach((m, i) => {
    if (!m || typeof m.key !== 'string' || typeof m.title !== 'string') {
      throw new UserError(`${path}: metrics[${i}] needs a string "key" and "title"`);
    }
  });
  const seen = new Set<string>();
  board.rows.forEach((row: LeaderboardRow, i) => {
    if (!row || typeof row.variant !== 'string' || row.variant === '') throw new UserError(`${path}: rows[${i}].variant must be a non-empty string`);
    if (seen.has(row.variant)) throw new UserError(`${path}: rows[${i}].variant "${row.variant}" appears twice; variants must be unique`);
    seen.add(row.variant);
    if (!Array.isArray(row.runs) || row.runs.some((r) => typeof r !== 'string')) {
      throw new UserError(`${path}: rows[${i}].runs must be an array of run directory names`);
    }
    if (!row.metrics || typeof row.metrics !== 'object') throw new UserError(`${path}: rows[${i}].metrics must be an object`);
  });
  return board as Leaderboard;
}

function loadRun(sweepDir: string, name: string, variant: string): RunRecord {
  const handle = runAt(join(sweepDir, name), name);
  const config = handle.exists() ? handle.readConfig<RunConfig>() : null;
  return {
    name,
    dir: handle.dir,
    variant,
    seed: config?.definition?.train?.seed ?? null,
    fold: config?.definition?.holdout?.fold ?? null,
    config,
    status: handle.readStatus(),
    metrics: handle.readMetrics(),
    eval: {
      lfw: handle.readResult<LfwResult>('lfw'),
      megaface: handle.readResult<MegafaceResult>('megaface'),
      ijbc: handle.readResult<IjbcResult>('ijbc'),
      ijbb: handle.readResult<IjbcResult>('ijbb'),
    },
    thetaTargetDeg: readAngles(handle),
    angleSnapshots: handle.readArtefact<Partial<AnglesArtefact>>('angles')?.snapshots ?? [],
  };
}

function readAngles(handle: RunHandle): number[] | null {
  const value = handle.readArtefact('angles');
  if (value === null) return null;
  const path = join(handle.dir, 'angles.json');
  const angles = (value as { thetaTargetDeg?: unknown })?.thetaTargetDeg;
  if (!Array.isArray(angles)) throw new UserError(`${path}: expected {"thetaTargetDeg": [angles in degrees]}`);
  const bad = angles.findIndex((a) => typeof a !== 'number' || !Number.isFinite(a));
  if (bad >= 0) throw new UserError(`${path}: thetaTargetDeg[${bad}] is ${JSON.stringify(angles[bad])}, expected a finite number of degrees`);
  return angles as number[];
}
