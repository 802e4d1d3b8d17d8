import type { Command } from 'commander';
import { backendOption, collect, integerOption } from '../options.js';
import type { SweepFlags } from './sweep-run.js';

/** `flb sweep`: its flags here, its work in sweep-run.ts (loaded when it runs, so --help needs no tfjs). */
export function register(program: Command): void {
  program
    .command('sweep')
    .description('run a study: every loss variant × seed trained on equal terms, embedded, evaluated; writes leaderboard.json/.csv')
    .requiredOption('--config <file>', 'study config, e.g. sweeps/demo.json')
    .option('--dry-run', 'print the plan (runs, ids, datasets and what is missing) and exit: 0 when everything needed is available, 4 when a dataset is missing')
    .option('--only <pattern>', 'run a subset: a glob matched against loss name, variant label or run id; repeatable', collect, [])
    .option('--out <dir>', 'sweep folder (default runs/<config name>)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--backend <name>', "auto | tensorflow | webgpu | ort-cpu | wasm | cpu (default: the config's)", backendOption)
    .option('--threads <n>', 'scoring workers (default: the cores)', integerOption(1))
    .option('--quiet', 'no progress output')
    .option('--json', 'print the leaderboard (with --dry-run: the plan) as JSON on stdout')
    .option('--queue <url>', 'run on many machines: put the runs on this Redis (redis://[:PASSWORD@]HOST:PORT[/DB], rediss://… for TLS) for `flb worker`s to take, follow them, then write the leaderboard')
    .addHelpText(
      'after',
      [
        '',
        'Running the same command again continues a sweep: finished stages are skipped, an interrupted training resumes from',
        'its checkpoint, failed runs are retried; diverged runs are results and stay.',
        '',
        'With --queue, the runs folder must be on storage every worker shares (NFS or the like). Ctrl-C then leaves the jobs',
        'running on the workers; the same command attaches to them again.',
        '',
        'Exit status: 0 every selected run finished (done or diverged; a divergence is a result), 1 a run failed (see the',
        'leaderboard), 2 invalid config or flags, 4 a dataset is missing (the message says how to obtain it), 130 interrupted.',
      ].join('\n'),
    )
    .action(async (flags: SweepFlags) => {
      const { sweepCommand } = await import('./sweep-run.js');
      await sweepCommand(flags);
    });
}
