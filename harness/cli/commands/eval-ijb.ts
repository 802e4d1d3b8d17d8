import type { Command } from 'commander';
import { integerOption, progressModeFrom } from '../options.js';
import type { IjbcResult, IjbSet } from '../../../protocols/evaluate-ijbc.js';
import { emitResult, formatTable, percent, requireFlags, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

interface IjbFlags extends EvalOutputFlags {
  features?: string;
  keys?: string;
  meta?: string;
  faceness: boolean;
  normalizeImages?: boolean;
}

const TITLE: Record<IjbSet, string> = { ijbb: 'IJB-B', ijbc: 'IJB-C' };

function ijbTable(r: IjbcResult): string {
  const c = r.counts;
  const unresolved = Object.entries(r.resolvable).filter(([, ok]) => !ok).map(([far]) => far);
  return (
    formatTable(`${TITLE[r.protocol]} 1:1 verification (${c.templates} templates, ${c.genuine} genuine + ${c.impostor} impostor pairs)`, [
      ...Object.entries(r.tarAtFar).map(([far, tar]): [string, string] => [`TAR @ FAR ${far}`, `${percent(tar)}${r.resolvable[far] ? '' : ' †'}`]),
      ['AUC', r.auc.toFixed(5)],
    ]) +
    (unresolved.length ? `  † below 1/${c.impostor} impostor pairs: not measurable on this set; shown as eval_ijbc.py reads the ROC\n` : '')
  );
}

/** `flb eval ijbc` and `flb eval ijbb`: one code path, the meta files' prefix differs (insightface's eval_ijbc.py serves both). */
export function registerIjb(evalCommand: Command, set: IjbSet, fromRun: FromRun): Command {
  return evalCommand
    .command(set)
    .description(`${TITLE[set]} 1:1 template verification, insightface eval_ijbc.py defaults`)
    .option('--features <F.npy>', `image features, keys = image names of ${set}_face_tid_mid.txt (F.keys.txt unless --keys)`)
    .option('--keys <file>', 'keys file of the features')
    .option('--meta <dir>', `meta folder with ${set}_face_tid_mid.txt, ${set}_template_pair_label.txt and optionally ${set}_name_5pts_score.txt`)
    .option('--no-faceness', 'do not weight image features by their faceness score')
    .option('--normalize-images', 'L2-normalise each image feature before pooling (insightface use_norm_score = False)')
    .option('--threads <n>', 'scoring worker threads (default: the cores)', integerOption(1, 256))
    .option('--out <file.json>', 'also write the JSON result to this file (atomically)')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (flags: IjbFlags & FromRunFlags) => {
      const evaluateFiles = async () => {
        // Loaded when it runs: `flb --help` should not load the scoring pool and protocols.
        const [{ loadIjbInput }, { withScoringPool }, { evaluateIjbc }] = await Promise.all([
          import('../../evaluation/ijb-inputs.js'),
          import('../../scoring/pool.js'),
          import('../../../protocols/evaluate-ijbc.js'),
        ]);
        const paths = requireFlags(set, flags, { features: '--features', meta: '--meta' });
        const input = loadIjbInput({ set, ...paths, keys: flags.keys }, { faceness: flags.faceness, normalizeImages: flags.normalizeImages, progress: progressModeFrom(flags) });
        return withScoringPool(flags.threads, (pool) => evaluateIjbc(pool, input));
      };
      const result = ((await fromRun(flags, set)) as IjbcResult | undefined) ?? (await evaluateFiles());
      emitResult(flags, result, ijbTable(result));
    });
}
