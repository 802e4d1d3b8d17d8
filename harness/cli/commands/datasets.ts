import type { Command } from 'commander';
import { integerOption } from '../options.js';
import type { CheckFlags, CommonFlags, MakeFlags } from './datasets-run.js';

/**
 * `flb datasets list | check | make`: what the registry knows, what is on disk, and making the generated sets. The
 * work is in datasets-run.ts, loaded when a sub-command runs.
 */
export function register(program: Command): void {
  const datasets = program.command('datasets').description('the dataset registry (datasets.json): list, check, make generated sets');

  datasets
    .command('list')
    .description('every dataset with its role, format and status: present, missing or will-be-generated')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--json', 'print only JSON')
    .action(async (flags: CommonFlags) => (await import('./datasets-run.js')).listCommand(flags));

  datasets
    .command('check')
    .description('presence, counts and checksums of datasets, naming exactly what is missing or wrong')
    .argument('<names...>', 'dataset names (flb datasets list)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--deep', 'also decode every image (with a progress bar) and list every one that cannot be decoded')
    .option('--quiet', 'no progress output')
    .option('--json', 'print only JSON')
    .action(async (names: string[], flags: CheckFlags) => (await import('./datasets-run.js')).checkCommand(names, flags));

  datasets
    .command('make')
    .description('generate a synthetic dataset (all its splits) in the real formats, under the data root')
    .argument('<name>', 'a generated dataset, e.g. synth-faces or synth-tiny (any of its splits names it too)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--force', 'make it again even if an up-to-date copy exists')
    .option('--threads <n>', 'worker threads (default: one per core)', integerOption(1, 64))
    .option('--quiet', 'no progress output')
    .option('--json', 'print only JSON')
    .action(async (name: string, flags: MakeFlags) => (await import('./datasets-run.js')).makeCommand(name, flags));
}
