import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { readFeatureSet, keysPathFor } from '../../formats/feature-set.js';
import { readNpy } from '../../formats/npy.js';
import { readLfwPairs } from '../../formats/lfw-pairs.js';
import { readVerificationBin } from '../../formats/verification-bin.js';
import { integerOption } from '../options.js';
import { evaluateLfw, type LfwResult, type VerificationPair } from '../../../protocols/evaluate-lfw.js';
import { featureMatrix, type FeatureMatrix } from '../../../protocols/feature-matrix.js';
import { readIssameList } from '../../../protocols/issame-list.js';
import { emitResult, formatTable, percent, requireFlags, withScoringPool, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

export interface LfwFlags extends EvalOutputFlags {
  features?: string;
  keys?: string;
  pairs?: string;
  binOrder?: boolean;
  issame?: string;
  bin?: string;
  fold?: number;
}

/** Features and pairs in file order, from a keyed feature set + pairs.txt, or from insightface .bin order. */
/** Features and pairs, plus the number of folds the pairs come in (pairs.txt's header; 10 for .bin order, as insightface). */
export function loadPairs(flags: LfwFlags): { features: FeatureMatrix; pairs: VerificationPair[]; folds: number } {
  const { features: featuresPath } = requireFlags('lfw', flags, { features: '--features' });
  if (flags.binOrder) {
    if (!flags.issame === !flags.bin) throw new UserError('--bin-order needs exactly one of --issame FILE (one 0/1 per pair) or --bin FILE.bin');
    const labelsFile = (flags.issame ?? flags.bin)!;
    const labels = flags.issame ? readIssameList(flags.issame) : readVerificationBin(labelsFile).issame;
    const { shape, data } = readNpy(featuresPath, { shared: true });
    if (shape.length !== 2) throw new UserError(`${featuresPath}: expected a 2-D [rows, dim] array; got shape [${shape.join(', ')}]`);
    if (shape[0] !== 2 * labels.length) {
      throw new UserError(`${featuresPath}: has ${shape[0]} rows but ${labelsFile} lists ${labels.length} pairs; .bin order needs exactly 2 rows per pair`);
    }
    const features: FeatureMatrix = { data, rows: shape[0], dim: shape[1], describe: (row) => `row ${row} of ${featuresPath} (pair ${Math.floor(row / 2) + 1})` };
    return { features, pairs: labels.map((same, i) => ({ first: 2 * i, second: 2 * i + 1, same })), folds: 10 };
  }
  if (!flags.pairs) throw new UserError('flb eval lfw needs --pairs pairs.txt (or --bin-order with --issame)');
  const keysPath = flags.keys ?? keysPathFor(featuresPath);
  const list = readLfwPairs(flags.pairs);
  const set = readFeatureSet(featuresPath, { keysPath, shared: true });
  const rowOf = new Map(set.keys.map((k, i) => [k, i] as const));
  const pairs = list.pairs.map((p) => {
    const [first, second] = p.keys.map((key) => {
      const row = rowOf.get(key);
      if (row === undefined) throw new UserError(`${flags.pairs}:${p.line}: image '${key}' has no feature: it is not in ${keysPath}`);
      return row;
    });
    return { first, second, same: p.same };
  });
  return { features: featureMatrix(set.data, set.rows, set.dim, set.keys, featuresPath), pairs, folds: list.folds };
}

function lfwTable(r: LfwResult): string {
  const scope = r.heldOutFold ? `fold ${r.heldOutFold.fold} of ${r.heldOutFold.folds}: ${r.heldOutFold.pairs} of ${r.pairs} pairs` : `${r.pairs} pairs, 10 folds`;
  return formatTable(`LFW-style verification (${scope})`, [
    ['accuracy', `${percent(r.accuracy)} ± ${percent(r.std)}`],
    ['AUC', r.auc.toFixed(4)],
    ['EER', percent(r.eer)],
    ...Object.entries(r.tarAtFar).map(([far, tar]): [string, string] => [`TAR @ FAR ${far}`, percent(tar)]),
    ['thresholds', r.thresholds.map((t) => t.toFixed(2)).join(' ')],
  ]);
}

export function registerLfw(evalCommand: Command, fromRun: FromRun): Command {
  return evalCommand
    .command('lfw')
    .description('LFW-style 10-fold pair verification (insightface verification.py semantics)')
    .option('--features <file.npy>', 'feature set (keys in FILE.keys.txt unless --keys, or rows in .bin order with --bin-order)')
    .option('--keys <file>', 'keys file of the feature set')
    .option('--pairs <pairs.txt>', 'LFW pairs file: header "10<TAB>300", then the pairs')
    .option('--bin-order', 'rows 2i and 2i+1 of the features are pair i (insightface .bin order); no keys needed')
    .option('--issame <file>', 'with --bin-order: one 0/1 per pair')
    .option('--bin <file.bin>', 'with --bin-order: take the labels from an insightface .bin file')
    .option('--fold <k>', 'score only fold k, its threshold chosen on the other folds (for a model trained without fold k)', integerOption(1))
    .option('--threads <n>', 'scoring worker threads (default: the cores)', integerOption(1, 256))
    .option('--out <file.json>', 'also write the JSON result to this file (atomically)')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (flags: LfwFlags & FromRunFlags) => {
      if (flags.run !== undefined && flags.fold !== undefined) throw new UserError('--fold goes with --features; a run trained without a fold scores that fold itself');
      const result =
        ((await fromRun(flags, 'lfw')) as LfwResult | undefined) ??
        (await withScoringPool(flags, (pool) => {
          const { features, pairs, folds } = loadPairs(flags);
          return evaluateLfw(pool, features, pairs, { folds, heldOutFold: flags.fold });
        }));
      emitResult(flags, result, lfwTable(result));
    });
}
