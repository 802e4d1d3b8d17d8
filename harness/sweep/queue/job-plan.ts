import { UserError } from '../../core/errors.js';
import { missingDatasets, missingDatasetsMessage } from '../plan-description.js';
import { parseSweepConfig } from '../sweep-config.js';
import { planSweep, type PlannedRun, type SweepPlan } from '../sweep-plan.js';
import { JOB_FORMAT, type RunJobData } from './run-job.js';

/**
 * The worker's side of a job: the run planned again from the config, on this machine, by the same planner the
 * sweep command used. Only the run's own loss entry and plugin file are loaded, so a plugin missing here fails
 * the jobs that need it and no others. The plan must give the run the key the sweep command gave it; a worker of
 * another version (other defaults, another plugin) would otherwise train a different run under that name.
 */
export interface PlannedJob {
  plan: SweepPlan;
  run: PlannedRun;
}

export async function planJob(job: RunJobData, dataRoot: string): Promise<PlannedJob> {
  if (job.format !== JOB_FORMAT) {
    throw new UserError(`job ${job.run?.id ?? '?'} was queued by another version of facelossbench (job format ${job.format}, this worker reads ${JOB_FORMAT})`);
  }
  const config = parseSweepConfig(job.config.raw, job.config.file);
  const entry = config.losses[job.lossEntry];
  if (!entry) throw new UserError(`${job.config.file}: the queued run ${job.run.id} names losses[${job.lossEntry}], which the config does not have`);
  const plan = await planSweep({ ...config, backend: job.backend, losses: [entry], plugins: job.plugin ? [job.plugin] : [] }, { dataRoot });
  const run = plan.runs.find((r) => r.id === job.run.id);
  if (!run) {
    throw new UserError(`${job.config.file}: this worker's plan of losses[${job.lossEntry}] has no run ${job.run.id} (${job.run.label}): its facelossbench, plugins or datasets.json differ from the sweep command's`);
  }
  if (missingDatasets(plan).length) throw new UserError(missingDatasetsMessage(plan));
  return { plan, run };
}
