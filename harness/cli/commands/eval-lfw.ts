import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import type { PairSource } from '../../evaluation/pair-inputs.js';
import { integerOption } from '../options.js';
import type { LfwResult } from '../../../protocols/evaluate-lfw.js';
import { emitResult, formatTable, percent, requireFlags, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

interface LfwFlags extends EvalOutputFlags {
  features?: string;
  keys?: string;
  pairs?: string;
  binOrder?: boolean;
  issame?: string;
  bin?: string;
  fold?: number;
}

function pairSource(flags: LfwFlags): PairSource {
  const { features } = requireFlags('lfw', flags, { features: '--features' });
  if (flags.binOrder) {
    if (!flags.issame === !flags.bin) throw new UserError('--bin-order needs exactly one of --issame FILE (one 0/1 per pair) or --bin FILE.bin');
    return { kind: 'bin-order', features, labels: flags.issame ? { issame: flags.issame } : { bin: flags.bin! } };
  }
  if (!flags.pairs) throw new UserError('flb eval lfw needs --pairs pairs.txt (or --bin-order with --issame)');
  return { kind: 'pairs-file', features, keys: flags.keys, pairs: flags.pairs };
}

function lfwTable(r: LfwResult, folds: number): string {
  const scope = r.heldOutFold ? `fold ${r.heldOutFold.fold} of ${r.heldOutFold.folds}: ${r.heldOutFold.pairs} of ${r.pairs} pairs` : `${r.pairs} pairs, ${folds} folds`;
  return formatTable(`LFW-style verification (${scope})`, [
    ['accuracy', `${percent(r.accuracy)} ± ${percent(r.std)}`],
    ['AUC', r.auc.toFixed(4)],
    ['EER', percent(r.eer)],
    ...Object.entries(r.valAtFar).map(([far, v]): [string, string] => [
      `VAL @ FAR ${far}`,
      `${percent(v.val)} ± ${percent(v.valStd)} (FAR reached ${percent(v.farMean, 3)})${r.resolvable[far] ? '' : ' — below resolution'}`,
    ]),
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
      let folds = 10;
      const evaluateFiles = async () => {
        // Loaded when it runs: `flb --help` should not load the scoring pool and protocols.
        const [{ loadPairInput }, { withScoringPool }, { evaluateLfw }] = await Promise.all([
          import('../../evaluation/pair-inputs.js'),
          import('../../scoring/pool.js'),
          import('../../../protocols/evaluate-lfw.js'),
        ]);
        return withScoringPool(flags.threads, (pool) => {
          const input = loadPairInput(pairSource(flags));
          folds = input.folds;
          return evaluateLfw(pool, input.features, input.pairs, { folds: input.folds, heldOutFold: flags.fold });
        });
      };
      const result = ((await fromRun(flags, 'lfw')) as LfwResult | undefined) ?? (await evaluateFiles());
      emitResult(flags, result, lfwTable(result, result.heldOutFold?.folds ?? folds));
    });
}
