import { InvalidArgumentError, type Command } from 'commander';
import { backendOption, collect, integerOption, numberOption } from '../options.js';
import { prepareOutputDir } from '../../core/output-path.js';
import type { Holdout } from '../../run-store/run-definition.js';
import type { TrainFlags } from './train-run.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../../run-store/train-settings.js';

/** `flb train`: its flags here; its work in train-run.ts, loaded only when it runs (so --help needs no tfjs). */
export function register(program: Command): void {
  const d = DEFAULT_TRAIN_SETTINGS;
  program
    .command('train')
    .description('train a backbone with one loss plugin; writes a run directory (config, metrics, checkpoint, status)')
    .option('--loss <name|file>', 'loss plugin: a built-in name (flb plugins list) or a .ts file')
    .option('--param <k=v>', 'loss parameter, repeatable (e.g. --param m=0.5)', collect, [])
    .option('--plugin <file>', 'load an extra loss plugin file, repeatable', collect, [])
    .option('--backbone <name|file>', "backbone plugin (default: the dataset's default backbone, else mlp)")
    .option('--backbone-param <k=v>', 'backbone parameter, repeatable', collect, [])
    .option('--backbone-plugin <file>', 'load an extra backbone plugin file, repeatable', collect, [])
    .option('--dataset <name>', 'training dataset from datasets.json', 'synth-tiny')
    .option('--holdout <dataset:k>', "hold out fold k of an lfw dataset's pairs.txt: train only on the other folds' identities", holdoutOption)
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--steps <n>', `training steps (default ${d.steps})`, integerOption(1))
    .option('--epochs <n>', 'train for this many passes over the dataset instead of --steps', numberOption(1e-6))
    .option('--batch-size <n>', 'images per step', integerOption(1), d.batchSize)
    .option('--lr <x>', 'peak learning rate', numberOption(0), d.lr)
    .option('--momentum <x>', 'SGD momentum', numberOption(0, 1), d.momentum)
    .option('--weight-decay <x>', 'L2 weight decay', numberOption(0), d.weightDecay)
    .option('--schedule <kind>', 'learning-rate schedule: step | cosine | constant', scheduleOption, d.schedule)
    .option('--warmup <n>', 'linear warm-up steps', integerOption(0), d.warmupSteps)
    .option('--seed <n>', 'random seed (initialisation, batch order, augmentation)', integerOption(0), d.seed)
    .option('--embedding-dim <n>', 'embedding size', integerOption(1), d.embeddingDim)
    .option('--no-flip', 'no random horizontal flips')
    .option('--log-every <n>', 'a metrics.jsonl line every n steps', integerOption(1), d.logEvery)
    .option('--checkpoint-every <n>', 'a checkpoint every n steps', integerOption(1), d.checkpointEvery)
    .option('--backend <name>', 'auto | tensorflow | webgpu | ort-cpu | wasm | cpu', backendOption)
    .option('--out <dir>', 'run directory (default runs/<loss>-<hash of the definition>)')
    .option('--resume <dir>', 'continue the run in this directory from its last checkpoint')
    .option('--force', 'train again even if the run directory holds a finished run')
    .option('--skip-bad-images', 'train without the images that cannot be decoded (listed in config.json) instead of stopping')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the outcome as one JSON object')
    .action(async (flags: TrainFlags) => {
      // A path that cannot hold the run fails now, before tfjs, plugins and data are loaded (seconds).
      if (flags.out !== undefined && flags.resume === undefined) prepareOutputDir(flags.out, '--out');
      const { trainCommand } = await import('./train-run.js');
      await trainCommand(flags);
    });
}

/** "NAME:k" → fold k (1-based) of dataset NAME's pairs. */
function holdoutOption(value: string): Holdout {
  const m = /^(.+):(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1) throw new InvalidArgumentError(`expected DATASET:k with a fold k ≥ 1 (e.g. lfw-faceapi-256-pairs:3), got '${value}'`);
  return { dataset: m[1]!, fold: Number(m[2]) };
}

function scheduleOption(value: string): TrainSettings['schedule'] {
  if (value !== 'step' && value !== 'cosine' && value !== 'constant') {
    throw new InvalidArgumentError(`expected step, cosine or constant, got '${value}'`);
  }
  return value;
}
