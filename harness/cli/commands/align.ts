import { InvalidArgumentError, type Command } from 'commander';
import { backendOption, progressModeFrom } from '../options.js';
import type { BackendChoice } from '../../engine/backend-names.js';
import { parseDetector, type DetectorName } from '../../face/detectors.js';
import { faceTemplate, FACE_TEMPLATES } from '../../face/face-template.js';
import { parseLfwImageSelection, type LfwImageSelection } from '../../data/readers/lfw-image-selection.js';
import { prepareOutputDir } from '../../core/output-path.js';

interface AlignFlags {
  dataset: string;
  out: string;
  dataRoot?: string;
  template: string;
  detector: DetectorName;
  shard?: { index: number; count: number };
  images: LfwImageSelection;
  backend: BackendChoice;
  quiet?: boolean;
  json?: boolean;
}

/** "k/n" (1-based k) → shard index k-1 of n. */
function shardOption(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new InvalidArgumentError(`expected k/n with 1 ≤ k ≤ n (e.g. 2/4), got '${value}'`);
  return { index: k - 1, count: n };
}

export function register(program: Command): void {
  program
    .command('align')
    .description('detect, landmark and align the faces of an LFW-style dataset; writes an aligned dataset of the same layout')
    .requiredOption('--dataset <name>', 'LFW-style dataset from datasets.json')
    .requiredOption('--out <dir>', 'folder of the aligned dataset (e.g. aligned/lfw, then --data-root aligned reads it as "lfw")')
    .option('--data-root <dir>', 'where datasets live (default: $FLB_DATA_ROOT or ./data)')
    .option('--template <name>', `crop template: ${FACE_TEMPLATES.join(' | ')} (dlib150 for faceapi-resnet)`, 'dlib150')
    .option('--detector <name>', 'first detector: ssd | tiny (the other one rescues misses before any centre-crop fallback)', parseDetector, 'tiny')
    .option('--shard <k/n>', 'align only every n-th image from the k-th, to run n processes on one --out', shardOption)
    .option('--images <which>', 'pairs: the images pairs.txt names; all: every image of the dataset', parseLfwImageSelection, 'pairs')
    .option('--backend <name>', 'tfjs backend for the detection nets', backendOption, 'wasm')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: AlignFlags) => {
      const template = faceTemplate(flags.template);
      const out = prepareOutputDir(flags.out, '--out');
      // Loaded here, not at the top: `flb --help` should not load tfjs and the detection nets.
      const [{ ensureDataset }, { initEngine }, { alignDataset }] = await Promise.all([
        import('../../data/registry/registry.js'),
        import('../../engine/backend-choice.js'),
        import('../../face/align-dataset.js'),
      ]);
      const ds = await ensureDataset(flags.dataset, { dataRoot: flags.dataRoot });
      await initEngine(flags.backend);
      const result = await alignDataset(ds, out, { template, detector: flags.detector, shard: flags.shard, images: flags.images, progress: progressModeFrom(flags) });
      if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.summary) {
        const s = result.summary;
        const found = Object.entries(s.detected).map(([d, n]) => `${n} by ${d}`).join(', ');
        process.stderr.write(`${result.out}: ${s.images} images aligned to ${s.template} (${found}); ${s.fallbacks} fell back to a centre crop (listed in align.json)\n`);
      } else process.stderr.write(`${result.out}: aligned ${result.aligned} images of this shard; other shards still have images to align\n`);
    });
}
