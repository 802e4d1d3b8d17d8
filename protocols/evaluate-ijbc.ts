import { UserError } from '../harness/core/errors.js';
import { scorePairs } from '../harness/scoring/pair-scoring.js';
import { sortInPool } from '../harness/scoring/parallel-sort.js';
import { sharedFloat64, sharedInt32 } from '../harness/scoring/shared-arrays.js';
import type { ScoringPool } from '../harness/scoring/pool.js';
import { startProgress, type ProgressMode } from '../harness/core/progress.js';
import type { FeatureMatrix } from './feature-matrix.js';
import { farKey, resolvableTargets } from './far.js';
import { poolTemplates, type TemplateImage } from './ijbc-templates.js';
import { rocCurve, tarAtFar as readTarAtFar, thinCurve, trapezoidArea } from './roc.js';

/** ijbc_template_pair_label.txt as columns. */
export interface TemplatePairs {
  first: Int32Array;
  second: Int32Array;
  /** 1 genuine, 0 impostor. */
  label: Uint8Array;
  /** Names pair k's source line in error messages. */
  describe(pair: number): string;
}

/** IJB-B and IJB-C 1:1 share the protocol and the file layouts; only the meta files' prefix differs. */
export type IjbSet = 'ijbb' | 'ijbc';

export interface IjbcInput {
  /** Which benchmark the meta files are (default 'ijbc'); it names the result. */
  set?: IjbSet;
  features: FeatureMatrix;
  images: readonly TemplateImage[];
  /** Faceness score per image (same order as `images`), or undefined to use none. */
  faceness?: Float64Array;
  normalizeImages?: boolean;
  pairs: TemplatePairs;
  farTargets?: number[];
  progress?: ProgressMode;
}

/** What `flb eval ijbc --json` prints. */
export interface IjbcResult {
  protocol: IjbSet;
  /** TAR per target FAR, as eval_ijbc.py reads it (the largest TPR at the nearest FPR). */
  tarAtFar: Record<string, number>;
  /**
   * Per target FAR: false when the target is below 1 / (impostor pairs), i.e. below what the set can measure.
   * The value in `tarAtFar` is then still the reference's reading (for comparability), not a measurement.
   */
  resolvable: Record<string, boolean>;
  auc: number;
  roc: { fpr: number[]; tpr: number[] };
  counts: { images: number; templates: number; pairs: number; genuine: number; impostor: number };
}

/**
 * IJB-C (or IJB-B) 1:1 verification with insightface eval_ijbc.py's defaults: pooled template features,
 * dot-product scores for every listed pair, sklearn's ROC, TAR read as eval_ijbc.py reads it.
 */
export async function evaluateIjbc(pool: ScoringPool, input: IjbcInput): Promise<IjbcResult> {
  const farTargets = input.farTargets ?? [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
  const { features, pairs } = input;
  const pooling = startProgress('pooling templates', input.images.length, input.progress);
  const templates = poolTemplates(features, input.images, { faceness: input.faceness, normalizeImages: input.normalizeImages, progress: pooling });
  pooling.stop();

  const index = new Map<number, number>();
  templates.ids.forEach((id, t) => index.set(id, t));
  const pairCount = pairs.label.length;
  const first = sharedInt32(pairCount);
  const second = sharedInt32(pairCount);
  let genuineCount = 0;
  for (let k = 0; k < pairCount; k++) {
    const a = index.get(pairs.first[k]);
    const b = index.get(pairs.second[k]);
    if (a === undefined || b === undefined) {
      const missing = a === undefined ? pairs.first[k] : pairs.second[k];
      throw new UserError(`${pairs.describe(k)}: template ${missing} has no images in the template/media list`);
    }
    first[k] = a;
    second[k] = b;
    genuineCount += pairs.label[k];
  }
  if (genuineCount === 0 || genuineCount === pairCount) {
    throw new UserError(`${input.set === 'ijbb' ? 'IJB-B' : 'IJB-C'} pair list has ${genuineCount} genuine and ${pairCount - genuineCount} impostor pairs; a ROC needs both`);
  }

  const scoring = startProgress('scoring template pairs', pairCount, input.progress);
  const scores = await scorePairs(pool, templates.features, features.dim, first, second, 'dot', scoring);
  scoring.stop();

  const genuine = sharedFloat64(genuineCount);
  const impostor = sharedFloat64(pairCount - genuineCount);
  for (let k = 0, g = 0, i = 0; k < pairCount; k++) {
    if (pairs.label[k]) genuine[g++] = scores[k];
    else impostor[i++] = scores[k];
  }
  const roc = rocCurve(await sortInPool(pool, genuine), await sortInPool(pool, impostor));
  const tarAtFar: Record<string, number> = {};
  for (const far of farTargets) tarAtFar[farKey(far)] = readTarAtFar(roc, far);
  return {
    protocol: input.set ?? 'ijbc',
    tarAtFar,
    resolvable: resolvableTargets(farTargets, pairCount - genuineCount),
    auc: trapezoidArea(roc.fpr, roc.tpr),
    roc: thinCurve(roc.fpr, roc.tpr, 1000),
    counts: { images: input.images.length, templates: templates.ids.length, pairs: pairCount, genuine: genuineCount, impostor: pairCount - genuineCount },
  };
}
