import type { Command } from 'commander';
import { backendOption, integerOption, progressModeFrom } from '../cli-options.js';
import { embedRun } from '../embedding/embed-run.js';
import type { BackendChoice } from '../engine.js';
import { runAt } from '../run-store.js';

interface EmbedFlags {
  run: string;
  dataset: string;
  dataRoot?: string;
  flip?: boolean;
  batchSize: number;
  backend?: BackendChoice;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('embed')
    .description("write the feature sets (NAME.npy + NAME.keys.txt) of a protocol dataset with a run's trained backbone")
    .requiredOption('--run <dir>', 'trained run directory')
    .requiredOption('--dataset <name>', 'protocol dataset from datasets.json (lfw, megaface, ijbc or verification-bin role)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--flip', "test-time flip: sum each image's feature with its mirror image's (insightface)")
    .option('--batch-size <n>', 'images per forward pass', integerOption(1), 64)
    .option('--backend <name>', 'tfjs backend (default: the one the run trained on)', backendOption)
    .option('--force', 'embed again even if the feature sets exist')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the written feature sets as JSON')
    .action(async (flags: EmbedFlags) => {
      const out = await embedRun(runAt(flags.run), flags.dataset, {
        dataRoot: flags.dataRoot,
        flip: flags.flip,
        batchSize: flags.batchSize,
        backend: flags.backend,
        force: flags.force,
        progress: progressModeFrom(flags),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else for (const [name, path] of Object.entries(out.sets)) process.stderr.write(`${name}: ${path}\n`);
    });
}
