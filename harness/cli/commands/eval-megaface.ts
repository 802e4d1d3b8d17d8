import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { MegafacePaths } from '../../evaluation/megaface-inputs.js';
import { integerOption, progressModeFrom } from '../options.js';
import type { MegafaceResult } from '../../../protocols/evaluate-megaface.js';
import { emitResult, formatTable, percent, requireFlags, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

interface MegafaceFlags extends EvalOutputFlags, Partial<MegafacePaths> {
  sizes?: number[];
  ranks: number;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new InvalidArgumentError(`expected gallery sizes like 10,100,1000; got '${value}'`);
  return sizes;
}

function megafaceTable(r: MegafaceResult): string {
  const sizes = Object.keys(r.identification);
  return formatTable(`MegaFace Challenge 1 (${r.counts.probes} probes of ${r.counts.identities} identities, ${r.counts.trials} trials)`, [
    ...sizes.map((s): [string, string] => [`rank-1 @ ${s} distractors`, percent(r.identification[s], 3)]),
    ...Object.entries(r.verification).map(([k, v]): [string, string] => {
      const far = k.replace('tarAtFar', '');
      return [`TAR @ FAR ${far}`, `${percent(v, 3)}${r.resolvable[far] === false ? ` — below resolution (${r.counts.impostorPairs} impostor pairs)` : ''}`];
    }),
  ]);
}

export function registerMegaface(evalCommand: Command, fromRun: FromRun): Command {
  return evalCommand
    .command('megaface')
    .description('MegaFace Challenge 1: identification (CMC) per gallery size and verification at the largest')
    .option('--probe <P.npy>', 'FaceScrub probe features (keys in P.keys.txt unless --probe-keys)')
    .option('--probe-keys <file>', 'keys file of the probe features')
    .option('--probe-list <json>', 'facescrub_features_list.json ({"path": [...], "id": [...]})')
    .option('--distractors <D.npy>', 'MegaFace distractor features (keys in D.keys.txt unless --distractor-keys)')
    .option('--distractor-keys <file>', 'keys file of the distractor features')
    .option('--distractor-lists <dir>', 'folder with megaface_features_list.json_<size>_1')
    .option('--sizes <list>', 'gallery sizes (default: every size whose list exists)', sizeList)
    .option('--ranks <n>', 'CMC ranks', integerOption(1, 1000), 10)
    .option('--noise-probe <file>', 'FaceScrub noise list: each listed probe becomes its identity centre')
    .option('--noise-distractor <file>', 'MegaFace noise list: each listed distractor ranks below every clean one (insightface remove_noises.py)')
    .option('--threads <n>', 'scoring worker threads (default: the cores)', integerOption(1, 256))
    .option('--out <file.json>', 'also write the JSON result to this file (atomically)')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (flags: MegafaceFlags & FromRunFlags) => {
      const evaluateFiles = async () => {
        // Loaded when it runs: `flb --help` should not load the scoring pool and protocols.
        const [{ loadMegafaceInput }, { withScoringPool }, { evaluateMegaface }] = await Promise.all([
          import('../../evaluation/megaface-inputs.js'),
          import('../../scoring/pool.js'),
          import('../../../protocols/evaluate-megaface.js'),
        ]);
        const paths = requireFlags('megaface', flags, { probe: '--probe', probeList: '--probe-list', distractors: '--distractors', distractorLists: '--distractor-lists' });
        const input = loadMegafaceInput(
          { ...paths, probeKeys: flags.probeKeys, distractorKeys: flags.distractorKeys, noiseProbe: flags.noiseProbe, noiseDistractor: flags.noiseDistractor },
          { sizes: flags.sizes, ranks: flags.ranks, progress: progressModeFrom(flags) },
        );
        return withScoringPool(flags.threads, (pool) => evaluateMegaface(pool, input));
      };
      const result = ((await fromRun(flags, 'megaface')) as MegafaceResult | undefined) ?? (await evaluateFiles());
      emitResult(flags, result, megafaceTable(result));
    });
}
