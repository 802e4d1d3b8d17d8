import type { Command } from 'commander';
import { backendOption, collect } from '../options.js';
import type { CheckFlags, ListFlags, NewFlags, ProbeFlags } from './plugins-run.js';

/** `flb plugins list | check | probe | new`: flags here, the work in plugins-run.ts (loaded when a sub-command runs). */
export function register(program: Command): void {
  const plugins = program.command('plugins').description('list, check, probe and start loss plugins');
  const run = () => import('./plugins-run.js');

  plugins
    .command('list')
    .description('every loss and backbone plugin found, with its parameters')
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => (await run()).listPlugins(flags));

  plugins
    .command('check <nameOrFile>')
    .description('run the conformance suite on a loss plugin: one pass/fail line per check')
    .option('--param <k=v>', 'loss parameter, repeatable', collect, [])
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--backend <name>', 'tfjs backend', backendOption, 'cpu')
    .option('--json', 'print JSON')
    .action(async (nameOrFile: string, flags: CheckFlags) => (await run()).checkPlugin(nameOrFile, flags));

  plugins
    .command('probe <nameOrFile>')
    .description('one forward and backward pass on a given batch, printed as JSON (compare with any reference)')
    .requiredOption('--input <file>', 'batch JSON: {embeddings N×D, labels [N], weights D×C, numClasses?, step?, training?, state?}; - for stdin')
    .option('--param <k=v>', 'loss parameter, repeatable', collect, [])
    .option('--plugin <file>', 'also load this loss plugin file, repeatable', collect, [])
    .option('--backend <name>', 'tfjs backend', backendOption, 'cpu')
    .action(async (nameOrFile: string, flags: ProbeFlags) => (await run()).probePlugin(nameOrFile, flags));

  plugins
    .command('new <name>')
    .description("write a starter loss plugin (ArcFace's file, renamed) and a tsconfig.json with which `tsc -p DIR` type-checks it")
    .option('--dir <dir>', 'where to write NAME.ts and tsconfig.json', '.')
    .option('--force', 'overwrite files that exist')
    .option('--json', 'print the written paths as JSON')
    .action(async (name: string, flags: NewFlags) => (await run()).newPlugin(name, flags));
}
