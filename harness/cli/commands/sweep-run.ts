import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { progressModeFrom } from '../options.js';
import type { BackendChoice } from '../../engine/backend-choice.js';
import type { ProgressMode } from '../../core/progress.js';
import type { QueueUrl } from '../../sweep/queue/queue-connection.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { resolveDataRoot } from '../../data/registry/registry.js';
import { FileRunStore, type RunStore } from '../../run-store/run-store.js';
import { defaultStages } from '../../sweep/default-stages.js';
import { buildLeaderboard } from '../../sweep/leaderboard-build.js';
import { writeLeaderboard } from '../../run-store/leaderboard-files.js';
import { describePlan, missingDatasets, missingDatasetsMessage, planJson, unplannedRunsNote } from '../../sweep/plan-description.js';
import { selectRuns } from '../../sweep/run-selection.js';
import { lockSweepFolder } from '../../sweep/sweep-lock.js';
import { readSweepConfig } from '../../sweep/sweep-config.js';
import { planSweep, type SweepPlan } from '../../sweep/sweep-plan.js';
import { runSweep } from '../../sweep/sweep-runner.js';
import { summaryTable } from '../../sweep/summary-table.js';

/** `flb sweep`'s flags, as commander parses them (sweep.ts defines them). */
export interface SweepFlags {
  config: string;
  dryRun?: boolean;
  only: string[];
  out?: string;
  dataRoot?: string;
  backend?: BackendChoice;
  threads?: number;
  quiet?: boolean;
  json?: boolean;
  queue?: string;
}

/** How a sweep's runs went, wherever they ran: the store to read them through, and how the command ends. */
interface SweepRan {
  store: RunStore;
  /** Why the command stopped before every run ended (printed, exit 130); null when they all ended. */
  stoppedEarly: string | null;
  failed: boolean;
}

/** What `flb sweep` does once its flags are parsed: plan, run (here or on the queue), leaderboard. */
export async function sweepCommand(flags: SweepFlags): Promise<void> {
  // Loaded only for --queue: without it, nothing of BullMQ or Redis is loaded.
  const queue = flags.queue ? (await import('../../sweep/queue/queue-connection.js')).parseQueueUrl(flags.queue) : null;
  const config = readSweepConfig(flags.config);
  if (flags.backend) config.backend = flags.backend;
  const registry = { dataRoot: flags.dataRoot };
  const plan = await planSweep(config, registry);
  const sweepDir = flags.out ?? join('runs', config.name);
  const store = new FileRunStore(sweepDir);
  const select = selectRuns(flags.only, plan.runs);

  if (flags.dryRun) {
    if (flags.json) process.stdout.write(`${JSON.stringify(planJson(plan, store, sweepDir, select))}\n`);
    else process.stdout.write(describePlan(plan, store, sweepDir, select));
    const missing = missingDatasets(plan);
    if (missing.length) {
      const names = missing.map((d) => d.entry.name).join(', ');
      process.stderr.write(`flb: not ready: ${missing.length} dataset${missing.length === 1 ? '' : 's'} missing (${names}); ${flags.json ? missingDatasetsMessage(plan) : 'the list above says how to obtain each'}\n`);
    }
    else if (!flags.json) process.stdout.write('\nready: every dataset is present or will be generated\n');
    process.exitCode = missing.length ? ExitCode.checkFailed : ExitCode.ok;
    return;
  }
  if (missingDatasets(plan).length) throw new UserError(missingDatasetsMessage(plan), ExitCode.checkFailed);

  const progress = progressModeFrom(flags);
  const log = progress === 'quiet' ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
  const note = unplannedRunsNote(plan, store, sweepDir);
  if (note) log(note);
  const refresh = (runs: RunStore) => writeLeaderboard(store.root, buildLeaderboard(plan, runs));
  const started = Date.now();
  const unlock = lockSweepFolder(store.root);
  let ran: SweepRan;
  try {
    const ctx: RunContext = { flags, sweepDir, select, progress, log, refresh };
    ran = queue ? await runOnQueue(plan, store, queue, ctx) : await runHere(plan, store, ctx);
  } finally {
    unlock();
  }
  const board = buildLeaderboard(plan, ran.store);
  const paths = writeLeaderboard(store.root, board);
  if (flags.json) process.stdout.write(`${JSON.stringify(board)}\n`);
  else {
    process.stdout.write(`\n${summaryTable(board)}`);
    const minutes = ((Date.now() - started) / 60000).toFixed(1);
    process.stdout.write(`\nleaderboard: ${relative('.', paths.json)} and ${relative('.', paths.csv)} (${minutes} min)\n`);
  }
  if (ran.stoppedEarly) {
    process.stderr.write(`flb: sweep interrupted; ${ran.stoppedEarly}\n`);
    process.exitCode = ExitCode.interrupted;
  } else if (ran.failed) {
    process.exitCode = ExitCode.failure;
  }
}

interface RunContext {
  flags: SweepFlags;
  sweepDir: string;
  select: ReturnType<typeof selectRuns>;
  progress: ProgressMode;
  log: (line: string) => void;
  /** Rewrites the leaderboard from what the runs hold so far. */
  refresh: (runs: RunStore) => void;
}

/** The sweep in this process, run after run. */
async function runHere(plan: SweepPlan, store: FileRunStore, ctx: RunContext): Promise<SweepRan> {
  const stages = defaultStages({
    dataRoot: ctx.flags.dataRoot,
    plugins: plan.config.plugins,
    backend: plan.config.backend,
    progress: ctx.progress,
    embedding: plan.config.embedding,
    threads: ctx.flags.threads ?? availableParallelism(),
    log: ctx.log,
  });
  try {
    const outcome = await runSweep(plan, { store, stages, select: ctx.select, progress: ctx.progress, log: ctx.log, afterRun: () => ctx.refresh(store) });
    const stoppedEarly = outcome.interrupted ? 'run the same command again to continue' : null;
    return { store, stoppedEarly, failed: outcome.results.some((r) => r.result === 'failed') };
  } finally {
    await stages.close();
  }
}

/** The sweep on the workers: its runs queued, followed until each has ended or until Ctrl-C lets them go. */
async function runOnQueue(plan: SweepPlan, store: FileRunStore, queue: QueueUrl, ctx: RunContext): Promise<SweepRan> {
  const { runQueuedSweep } = await import('../../sweep/queue/queued-sweep.js');
  const detach = new AbortController();
  const onSigint = () => detach.abort();
  process.once('SIGINT', onSigint);
  try {
    const queued = await runQueuedSweep(plan, {
      queue,
      store,
      runs: plan.runs.filter(ctx.select),
      sweepDir: resolve(ctx.sweepDir),
      dataRoot: resolveDataRoot(ctx.flags.dataRoot),
      progress: ctx.progress,
      log: ctx.log,
      onEnded: ctx.refresh,
      signal: detach.signal,
    });
    const stoppedEarly = queued.pending ? `left ${queued.pending} runs queued or running on the workers; run the same command again to attach to them` : null;
    return { store: queued.store, stoppedEarly, failed: queued.failed };
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
