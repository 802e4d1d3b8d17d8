import { dirname } from 'node:path';
import { evaluateIjbc } from '../../protocols/evaluate-ijbc.js';
import { evaluateLfw } from '../../protocols/evaluate-lfw.js';
import { evaluateMegaface } from '../../protocols/evaluate-megaface.js';
import { withScoringPool, type ScoringPool } from '../scoring/pool.js';
import { loadIjbInput } from './ijb-inputs.js';
import { loadMegafaceInput } from './megaface-inputs.js';
import { loadPairInput } from './pair-inputs.js';
import { resolveDataset } from '../data/registry/registry.js';
import { embedRun } from '../embedding/embed-run.js';
import type { ProgressMode } from '../core/progress.js';
import type { RunHandle } from '../run-store/run-store.js';
import type { RunConfig } from '../run-store/run-definition.js';

export interface EvaluateRunOptions {
  dataRoot?: string;
  /** Scoring worker threads (default: the cores). */
  threads?: number;
  /** A scoring pool to use instead of starting one (a sweep keeps one for all its runs). */
  pool?: ScoringPool;
  progress?: ProgressMode;
  /** insightface's test-time flip at embedding. */
  flip?: boolean;
}

/** A protocol's JSON result (keys as `flb eval <protocol> --json` prints them) and where the run keeps it. */
export interface ProtocolResult {
  protocol: string;
  dataset: string;
  [key: string]: unknown;
}

/** The eval/<name>.json a dataset's result is stored under: its protocol, or the dataset's own name for a .bin set. */
export function resultName(role: string, dataset: string): string {
  return role === 'verification-bin' ? dataset : role;
}

/**
 * Embeds a protocol dataset with a run's backbone (if not done yet), evaluates it with the protocol of the
 * dataset's role, and stores the result in <run>/eval/<protocol>.json.
 */
export async function evaluateRun(run: RunHandle, dataset: string, opts: EvaluateRunOptions = {}): Promise<ProtocolResult> {
  const { entry, paths } = resolveDataset(dataset, { dataRoot: opts.dataRoot });
  const { sets } = await embedRun(run, dataset, { dataRoot: opts.dataRoot, flip: opts.flip, progress: opts.progress });
  const scoring = <T>(evaluate: (pool: ScoringPool) => Promise<T>) => (opts.pool ? evaluate(opts.pool) : withScoringPool(opts.threads, evaluate));
  let result: object;
  switch (entry.role) {
    case 'lfw':
    case 'verification-bin': {
      const input = loadPairInput(
        entry.role === 'lfw'
          ? { kind: 'pairs-file', features: sets.features!, pairs: paths.pairs! }
          : { kind: 'bin-order', features: sets.features!, labels: { bin: paths.bin! } },
      );
      // A run trained without one of this dataset's folds is scored on that fold alone.
      const heldOutFold = heldOutFoldOf(run, dataset);
      result = await scoring((pool) => evaluateLfw(pool, input.features, input.pairs, { folds: input.folds, heldOutFold }));
      break;
    }
    case 'megaface': {
      const input = loadMegafaceInput(
        { probe: sets.probe!, probeList: paths.probeList!, distractors: sets.distractors!, distractorLists: paths.distractorLists! },
        { ranks: 10, progress: opts.progress },
      );
      result = await scoring((pool) => evaluateMegaface(pool, input));
      break;
    }
    case 'ijbc':
    case 'ijbb': {
      const input = loadIjbInput({ set: entry.role, features: sets.features!, meta: dirname(paths.faceTidMid!) }, { faceness: true, progress: opts.progress });
      result = await scoring((pool) => evaluateIjbc(pool, input));
      break;
    }
    default:
      throw new Error(`unreachable: embedRun refuses role ${entry.role}`);
  }
  const stored: ProtocolResult = { ...(result as { protocol: string }), dataset };
  run.writeResult(resultName(entry.role, dataset), stored);
  return stored;
}

/** The 1-based fold of `dataset` the run was trained without, if any. */
function heldOutFoldOf(run: RunHandle, dataset: string): number | undefined {
  const holdout = run.readConfig<RunConfig>().definition.holdout;
  return holdout?.dataset === dataset ? holdout.fold : undefined;
}
