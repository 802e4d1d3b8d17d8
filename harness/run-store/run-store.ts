import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import { UserError } from '../core/errors.js';
import { readJsonFile } from '../core/read-file.js';
import { makeDir, writeError } from '../core/output-path.js';

/**
 * Where runs live. Everything else talks to this small interface only, so results can later move to an
 * embedded or shared database without touching training or protocols. Runs are keyed by a hash of what defines
 * them; writing a run's results twice leaves one result.
 */
export type RunState = 'running' | 'done' | 'diverged' | 'failed' | 'interrupted';

/** The end-of-training verdict on whether a run learnt its classes (harness/training/convergence.ts says how). */
export interface ConvergenceVerdict {
  converged: boolean;
  criterion: string;
  /** Mean plain-logit top-1 over the last 10% of steps: one of the criterion's two numbers. */
  trainAccuracy: number;
  /** The same on the margin logits the loss is computed from. */
  trainAccuracyMargin: number | null;
  /** Median target angle, mean over the last 10% of steps, degrees: the criterion's other number. */
  thetaMedDeg: number | null;
  /** Loss at the first and the last metrics line, and ln C (a uniform prediction's loss). */
  lossFirst: number | null;
  lossLast: number | null;
  lnClasses: number;
}

export interface RunStatus {
  state: RunState;
  /** Completed training steps when the status was written. */
  step: number;
  reason?: string;
  /** Set when training finished. */
  convergence?: ConvergenceVerdict;
  updatedAt: string;
}

export type MetricsLine = Record<string, number | string | null> & { step: number };

export interface RunHandle {
  readonly id: string;
  readonly dir: string;
  readonly checkpointDir: string;
  readonly featuresDir: string;
  exists(): boolean;
  writeConfig(config: object): void;
  readConfig<T = Record<string, unknown>>(): T;
  writeStatus(status: Omit<RunStatus, 'updatedAt'>): void;
  readStatus(): RunStatus | null;
  appendMetrics(line: MetricsLine): void;
  readMetrics(): MetricsLine[];
  /** Drops metrics lines after `step` (a resumed run rewrites them). */
  truncateMetricsAfter(step: number): void;
  writeResult(protocol: string, result: object): void;
  readResult<T = Record<string, unknown>>(protocol: string): T | null;
  /**
   * Other JSON artefacts of a run, by name (e.g. 'angles': the angle distributions the trainer records). Readers
   * get null for one that was never written.
   */
  writeArtefact(name: string, value: object): void;
  readArtefact<T = Record<string, unknown>>(name: string): T | null;
}

export interface RunStore {
  /** The run with this id (its directory is created by the first write). */
  run(id: string): RunHandle;
  /** Every run in the store. */
  list(): RunHandle[];
}

export { definitionHash } from './run-key.js';

/** A run directory laid out as DESIGN.md describes. */
export function runAt(dir: string, id = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir): RunHandle {
  const abs = resolve(dir);
  const file = (name: string) => join(abs, name);
  const readJson = <T>(path: string): T | null => (existsSync(path) ? (readJsonFile(path, 'run file') as T) : null);
  return {
    id,
    dir: abs,
    checkpointDir: file('checkpoint'),
    featuresDir: file('features'),
    exists: () => existsSync(file('config.json')),
    writeConfig: (config) => writeJsonAtomic(file('config.json'), config),
    readConfig<T>() {
      const config = readJson<T>(file('config.json'));
      if (!config) throw new UserError(`${abs} is not a run directory (no config.json)`);
      return config;
    },
    writeStatus: (status) => writeJsonAtomic(file('status.json'), { ...status, updatedAt: new Date().toISOString() }),
    readStatus: () => readJson<RunStatus>(file('status.json')),
    appendMetrics(line) {
      makeDir(abs, 'run folder');
      try {
        appendFileSync(file('metrics.jsonl'), `${JSON.stringify(line)}\n`);
      } catch (e) {
        throw writeError(e, file('metrics.jsonl'));
      }
    },
    readMetrics() {
      const path = file('metrics.jsonl');
      if (!existsSync(path)) return [];
      return readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as MetricsLine];
          } catch {
            // A line cut short by a crash mid-write is the only malformed line metrics.jsonl can hold; skip it.
            return [];
          }
        });
    },
    truncateMetricsAfter(step) {
      const kept = this.readMetrics().filter((m) => m.step <= step);
      writeFileAtomic(file('metrics.jsonl'), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    },
    writeResult: (protocol, result) => writeJsonAtomic(join(abs, 'eval', `${protocol}.json`), result),
    readResult: <T>(protocol: string) => readJson<T>(join(abs, 'eval', `${protocol}.json`)),
    writeArtefact: (name, value) => writeJsonAtomic(file(`${name}.json`), value),
    readArtefact: <T>(name: string) => readJson<T>(file(`${name}.json`)),
  };
}

/** The file-system store: one directory per run under `root` (e.g. runs/<sweep>). */
export class FileRunStore implements RunStore {
  constructor(readonly root: string) {}

  run(id: string): RunHandle {
    return runAt(join(this.root, id), id);
  }

  list(): RunHandle[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(this.root, d.name, 'config.json')))
      .map((d) => this.run(d.name))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}
