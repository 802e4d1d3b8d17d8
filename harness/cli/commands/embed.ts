import { InvalidArgumentError, Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { backendOption, integerOption, progressModeFrom } from '../options.js';
import { parsePretrainedModel, type PretrainedModel } from '../../embedding/pretrained-models.js';
import type { BackendChoice } from '../../engine/backend-names.js';
import { UserError } from '../../core/errors.js';
import { parseDetector, type DetectorName } from '../../face/detectors.js';
import { parseLfwImageSelection, type LfwImageSelection } from '../../data/readers/lfw-image-selection.js';

interface EmbedFlags {
  run?: string;
  pretrained?: PretrainedModel;
  dataset: string;
  out?: string;
  dataRoot?: string;
  flip?: boolean;
  align?: boolean;
  alignDir?: string;
  detector: DetectorName;
  layer: 'embedding' | 'penultimate';
  images?: LfwImageSelection;
  threads?: number;
  /** The old name of --threads, still accepted. */
  workers?: number;
  batchSize?: number;
  backend?: BackendChoice;
  force?: boolean;
  ignoreChecksums?: boolean;
  quiet?: boolean;
  json?: boolean;
}

function layerOption(value: string): EmbedFlags['layer'] {
  if (value !== 'embedding' && value !== 'penultimate') throw new InvalidArgumentError(`expected embedding or penultimate, got '${value}'`);
  return value;
}

export function register(program: Command): void {
  program
    .command('embed')
    .description("write the feature sets (NAME.npy + NAME.keys.txt) of a protocol dataset with a run's trained backbone or a pretrained model")
    .option('--run <dir>', 'trained run directory (features go under <run>/features/<dataset>/)')
    .option('--pretrained <model>', 'pretrained model instead of a run: faceapi-resnet (dlib ResNet from @vladmandic/face-api)', parsePretrainedModel)
    .requiredOption('--dataset <name>', 'protocol dataset from datasets.json (lfw, megaface, ijbc, ijbb or verification-bin role; lfw role with --pretrained)')
    .option('--out <file.npy>', 'with --pretrained: the feature set to write (keys beside it as .keys.txt)')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--flip', "test-time flip: sum each image's feature with its mirror image's (insightface)")
    .option('--align', 'with --pretrained: detect, landmark and align faces to dlib chips first (cached)')
    .option('--align-dir <dir>', 'with --align: where the aligned dataset is cached (default data/aligned/<dataset>-dlib150-<detector>)')
    .option('--detector <name>', 'with --align: first detector, ssd | tiny', parseDetector, 'tiny')
    .option('--layer <name>', 'with --pretrained: embedding (128-d) or penultimate (256-d trunk features)', layerOption, 'embedding')
    .option('--images <which>', 'with --pretrained: pairs (the images pairs.txt names, default) or all (every image of the dataset)', parseLfwImageSelection)
    .option('--threads <n>', 'with --pretrained: worker threads (default: the number of cores)', integerOption(1, 64))
    .addOption(new Option('--workers <n>', 'deprecated name of --threads').argParser(integerOption(1, 64)).hideHelp())
    .option('--batch-size <n>', 'images per forward pass (default 64 for runs, 16 per worker task with --pretrained)', integerOption(1))
    .option('--backend <name>', 'tfjs backend (default: the one the run trained on)', backendOption)
    .option('--force', 'embed again even if the feature sets exist')
    .option('--ignore-checksums', "embed a dataset even if its files do not match datasets.json's checksums (refused otherwise)")
    .option('--quiet', 'no progress output')
    .option('--json', 'print the written feature sets as JSON')
    .action(async (flags: EmbedFlags) => {
      if ((flags.run === undefined) === (flags.pretrained === undefined)) throw new UserError('flb embed: give either --run <dir> or --pretrained <model>');
      if (flags.pretrained) return embedWithPretrained(flags.pretrained, flags);
      if (flags.align || flags.out || flags.images) throw new UserError('flb embed: --align, --images and --out go with --pretrained; a run writes under <run>/features/');
      // Loaded here, not at the top: `flb --help` should not load tfjs.
      const [{ embedRun }, { runAt }] = await Promise.all([import('../../embedding/embed-run.js'), import('../../run-store/run-store.js')]);
      const out = await embedRun(runAt(flags.run!), flags.dataset, {
        dataRoot: flags.dataRoot,
        flip: flags.flip,
        batchSize: flags.batchSize ?? 64,
        backend: flags.backend,
        force: flags.force,
        verifyChecksums: !flags.ignoreChecksums,
        progress: progressModeFrom(flags),
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else for (const [name, path] of Object.entries(out.sets)) process.stderr.write(`${name}: ${path}\n`);
    });
}

async function embedWithPretrained(model: PretrainedModel, flags: EmbedFlags): Promise<void> {
  if (!flags.out) throw new UserError('flb embed --pretrained: --out <file.npy> is required (where the feature set goes)');
  if (!flags.out.endsWith('.npy')) throw new UserError(`flb embed --pretrained: --out ${flags.out}: expected a .npy path`);
  const started = Date.now();
  const { embedPretrained } = await import('../../embedding/embed-pretrained.js');
  const result = await embedPretrained(model, flags.dataset, resolve(flags.out), {
    dataRoot: flags.dataRoot,
    align: flags.align ? { detector: flags.detector, dir: flags.alignDir } : undefined,
    flip: flags.flip,
    images: flags.images,
    layer: flags.layer,
    batchSize: flags.batchSize,
    workers: flags.threads ?? flags.workers,
    verifyChecksums: !flags.ignoreChecksums,
    progress: progressModeFrom(flags),
  });
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...result, seconds })}\n`);
  else {
    const a = result.alignment;
    if (a) process.stderr.write(`aligned: ${a.images} images, ${a.fallbacks} fell back to a centre crop\n`);
    process.stderr.write(`${result.out}: ${result.rows} × ${result.dim} (${seconds.toFixed(0)} s)\n`);
  }
}
