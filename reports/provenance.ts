import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunConfig } from '../harness/run-store/run-definition.js';
import { studySpread } from './study-spread.js';
import type { SweepData } from './sweep-data.js';

/** Where every table cell and figure point comes from: the sweep's config, its runs, their configs and commands. */
export interface RunProvenance {
  run: string;
  variant: string;
  seed: number | null;
  /** The held-out test fold of a cross-validation run, else null. */
  fold: number | null;
  state: string;
  step: number | null;
  reason: string | null;
  /** The command that trained the run, shell-quoted, when its config records one. */
  command: string | null;
  /** Files of the run directory the report read (relative to the sweep folder). */
  files: string[];
  config: RunConfig | null;
}

export interface Provenance {
  sweepDir: string;
  leaderboard: string;
  leaderboardCreatedAt: string;
  sweepConfig: unknown;
  /** What the study is: the config's description, and how its runs split into held-out folds when they do. */
  study: { description: string | null; crossValidation: string | null };
  /** The `flb report` invocation that wrote this report. */
  reportCommand: string;
  generatedAt: string;
  runs: RunProvenance[];
}

const READ_FILES = ['config.json', 'status.json', 'metrics.jsonl', 'eval/lfw.json', 'eval/megaface.json', 'eval/ijbc.json', 'angles.json'];

export function buildProvenance(data: SweepData, reportCommand: readonly string[], generatedAt: string): Provenance {
  return {
    sweepDir: data.dir,
    leaderboard: data.leaderboardPath,
    leaderboardCreatedAt: data.leaderboard.createdAt,
    sweepConfig: data.leaderboard.config,
    study: { description: configDescription(data.leaderboard.config), crossValidation: studySpread(data.leaderboard).crossValidation },
    reportCommand: shellQuote(reportCommand),
    generatedAt,
    runs: data.runs.map((run) => ({
      run: run.name,
      variant: run.variant,
      seed: run.seed,
      fold: run.fold,
      state: run.status?.state ?? (run.config ? 'unknown' : 'missing'),
      step: run.status?.step ?? null,
      reason: run.status?.reason ?? null,
      command: Array.isArray(run.config?.command) ? shellQuote(run.config.command) : null,
      files: READ_FILES.filter((f) => existsSync(join(run.dir, f))).map((f) => relative(data.dir, join(run.dir, f))),
      config: run.config,
    })),
  };
}

function configDescription(config: unknown): string | null {
  const description = (config as { description?: unknown } | null)?.description;
  return typeof description === 'string' && description.trim() !== '' ? description : null;
}

/** POSIX shell quoting, so a recorded command can be pasted back into a terminal as it ran. */
export function shellQuote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
