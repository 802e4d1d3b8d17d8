import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { backendOption, collect, integerOption, progressModeFrom } from '../options.js';
import type { BackendChoice } from '../../engine/backend-choice.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { FileRunStore } from '../../run-store/run-store.js';
import { defaultStages } from '../../sweep/default-stages.js';
import { buildLeaderboard } from '../../sweep/leaderboard-build.js';
import { writeLeaderboard } from '../../run-store/leaderboard-files.js';
import { describePlan, missingDatasets, missingDatasetsMessage, planJson, unplannedRunsNote } from '../../sweep/plan-description.js';
import { selectRuns } from '../../sweep/run-selection.js';
import { lockSweepFolder } from '../../sweep/sweep-lock.js';
import { readSweepConfig } from '../../sweep/sweep-config.js';
import { planSweep } from '../../sweep/sweep-plan.js';
import { runSweep } from '../../sweep/sweep-runner.js';
import { summaryTable } from '../../sweep/summary-table.js';

interface SweepFlags {
  config: string;
  dryRun?: boolean;
  only: string[];
  out?: string;
  dataRoot?: string;
  backend?: BackendChoice;
  threads?: number;
  quiet?: boolean;
  json?: boolean;
}

/** Exit status of a sweep: scripts (and `npm start`) tell a finished study from one that needs attention. */
const INTERRUPTED = 130;

export function register(program: Command): void {
  program
    .command('sweep')
    .description('run a study: every loss variant × seed trained on equal terms, embedded, evaluated; writes leaderboard.json/.csv')
    .requiredOption('--config <file>', 'study config, e.g. sweeps/demo.json')
    .option('--dry-run', 'print the plan (runs, ids, datasets and what is missing) and exit: 0 when everything needed is available, 4 when a dataset is missing')
    .option('--only <pattern>', 'run a subset: a glob matched against loss name, variant label or run id; repeatable', collect, [])
    .option('--out <dir>', 'sweep folder (default runs/<config name>)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--backend <name>', "auto | tensorflow | ort-cpu | wasm | cpu (default: the config's)", backendOption)
    .option('--threads <n>', 'scoring workers (default: the cores)', integerOption(1))
    .option('--quiet', 'no progress output')
    .option('--json', 'print the leaderboard (with --dry-run: the plan) as JSON on stdout')
    .addHelpText(
      'after',
      [
        '',
        'Running the same command again continues a sweep: finished stages are skipped, an interrupted training resumes from',
        'its checkpoint, failed runs are retried; diverged runs are results and stay.',
        '',
        'Exit status: 0 every selected run finished (done or diverged; a divergence is a result), 1 a run failed (see the',
        'leaderboard), 2 invalid config or flags, 4 a dataset is missing (the message says how to obtain it), 130 interrupted.',
      ].join('\n'),
    )
    .action(async (flags: SweepFlags) => {
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
      const stages = defaultStages({
        dataRoot: flags.dataRoot,
        plugins: config.plugins,
        backend: config.backend,
        progress,
        embedding: config.embedding,
        threads: flags.threads ?? availableParallelism(),
        log,
      });
      const refresh = () => writeLeaderboard(store.root, buildLeaderboard(plan, store));
      const started = Date.now();
      const unlock = lockSweepFolder(store.root);
      let outcome;
      try {
        outcome = await runSweep(plan, { store, stages, select, progress, log, afterRun: refresh });
      } finally {
        await stages.close();
        unlock();
      }
      const board = buildLeaderboard(plan, store);
      const paths = writeLeaderboard(store.root, board);
      if (flags.json) process.stdout.write(`${JSON.stringify(board)}\n`);
      else {
        process.stdout.write(`\n${summaryTable(board)}`);
        const minutes = ((Date.now() - started) / 60000).toFixed(1);
        process.stdout.write(`\nleaderboard: ${relative('.', paths.json)} and ${relative('.', paths.csv)} (${minutes} min)\n`);
      }
      if (outcome.interrupted) {
        process.stderr.write(`flb: sweep interrupted; run the same command again to continue\n`);
        process.exitCode = INTERRUPTED;
      } else if (outcome.results.some((r) => r.result === 'failed')) {
        process.exitCode = ExitCode.failure;
      }
    });
}
