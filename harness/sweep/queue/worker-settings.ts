import { basename, join, resolve } from 'node:path';
import { UserError } from '../../core/errors.js';
import type { RunJobData } from './run-job.js';

/**
 * What a worker tells the processes it runs its jobs in (through one environment variable, since BullMQ starts
 * them): its name, and where this machine keeps the sweeps and the datasets.
 */
export interface WorkerSettings {
  /** host:pid, as the queue records which worker runs a job. */
  name: string;
  /**
   * --runs-dir: the folder holding the sweep folders on this machine, where it differs from the sweep
   * command's (the share mounted elsewhere). A job's sweep folder is then <runsDir>/<sweep folder name>.
   */
  runsDir: string | null;
  /** --data-root, else $FLB_DATA_ROOT of the worker; null: the sweep command's data root. */
  dataRoot: string | null;
  /** Scoring threads per job: the cores shared among the jobs the worker runs at once. */
  threads: number;
}

const SETTINGS_ENV = 'FLB_WORKER_SETTINGS';

export function workerSettingsEnv(settings: WorkerSettings): Record<string, string> {
  return { [SETTINGS_ENV]: JSON.stringify(settings) };
}

export function workerSettingsFromEnv(): WorkerSettings {
  const text = process.env[SETTINGS_ENV];
  if (!text) throw new UserError(`${SETTINGS_ENV} is not set: job processes are started by \`flb worker\``);
  return JSON.parse(text) as WorkerSettings;
}

export function jobSweepDir(job: RunJobData, settings: WorkerSettings): string {
  return settings.runsDir ? join(resolve(settings.runsDir), basename(job.sweep.dir)) : job.sweep.dir;
}

export function jobDataRoot(job: RunJobData, settings: WorkerSettings): string {
  return settings.dataRoot ?? job.dataRoot;
}
