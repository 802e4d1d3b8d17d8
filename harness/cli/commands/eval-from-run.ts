import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { progressModeFrom } from '../options.js';
import type { EvalOutputFlags } from './eval-output.js';

/** `flb eval <protocol> --run DIR --dataset NAME`: embed with a trained run (if not done yet), then evaluate. */
export interface FromRunFlags extends EvalOutputFlags {
  run?: string;
  dataset?: string;
  dataRoot?: string;
}

export type Protocol = 'lfw' | 'megaface' | 'ijbc' | 'ijbb';

/** Evaluates through a run, or returns undefined when --run is absent (features were given directly). */
export type FromRun = (flags: FromRunFlags, protocol: Protocol) => Promise<object | undefined>;

/** Adds --run, --dataset, --data-root to a protocol's sub-command. */
export function addRunOptions(command: Command): Command {
  return command
    .option('--run <dir>', 'trained run: embed --dataset with it (cached under <run>/features/), evaluate, store <run>/eval/<protocol>.json')
    .option('--dataset <name>', 'with --run: the protocol dataset from datasets.json')
    .option('--data-root <dir>', 'with --run: where datasets live (default: $FLB_DATA_ROOT or ./data)');
}

const ROLES: Record<Protocol, string[]> = { lfw: ['lfw', 'verification-bin'], megaface: ['megaface'], ijbc: ['ijbc'], ijbb: ['ijbb'] };

export const evaluateFromRun: FromRun = async (flags, protocol) => {
  if (flags.run === undefined) {
    if (flags.dataset !== undefined) throw new UserError('--dataset goes with --run (embed with a run, then evaluate)');
    return undefined;
  }
  if (flags.dataset === undefined) throw new UserError('--run needs --dataset NAME (the protocol dataset to embed and evaluate)');
  // Loaded when it runs: `flb --help` should not load the registry, tfjs and the protocols.
  const [{ getDataset }, { evaluateRun }, { runAt }] = await Promise.all([
    import('../../data/registry/registry.js'),
    import('../../evaluation/evaluate-run.js'),
    import('../../run-store/run-store.js'),
  ]);
  const entry = getDataset(flags.dataset, { dataRoot: flags.dataRoot });
  if (!ROLES[protocol].includes(entry.role)) {
    throw new UserError(`dataset '${flags.dataset}' has role '${entry.role}'; flb eval ${protocol} needs a dataset of role ${ROLES[protocol].join(' or ')}`);
  }
  return evaluateRun(runAt(flags.run), flags.dataset, { dataRoot: flags.dataRoot, threads: flags.threads, progress: progressModeFrom(flags) });
};
