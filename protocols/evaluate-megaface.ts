import { UserError } from '../harness/core/errors.js';
import { scanGallery } from '../harness/scoring/gallery-scan.js';
import { similarityMatrix } from '../harness/scoring/similarity-matrix.js';
import type { ScoringPool } from '../harness/scoring/pool.js';
import { startProgress, type ProgressMode } from '../harness/core/progress.js';
import type { FeatureMatrix } from './feature-matrix.js';
import { farKey, impostorsAboveThreshold, resolvableTargets, tarAtFarFromTail } from './far.js';
import { genuineScores, identificationRates, trialCount } from './megaface.js';
import { planGalleryPasses, noiseDistractorMask, type DistractorList } from './megaface-gallery.js';
import { prepareProbes, type ProbeEntry } from './megaface-probes.js';

export interface MegafaceInput {
  probeFeatures: FeatureMatrix;
  probeEntries: readonly ProbeEntry[];
  /** Name of the probe list, for error messages. */
  probeListName: string;
  distractorFeatures: FeatureMatrix;
  lists: readonly DistractorList[];
  /**
   * Distractor rows listed in the distractor noise list: scored as insightface's remove_noises.py leaves them,
   * below every clean score (see NOISE_SCORE_OFFSET).
   */
  noiseDistractorRows: ReadonlySet<number>;
  ranks: number;
  farTargets?: number[];
  progress?: ProgressMode;
}

/** What `flb eval megaface --json` prints. */
export interface MegafaceResult {
  protocol: 'megaface';
  identification: Record<string, number>;
  cmc: Record<string, number[]>;
  verification: Record<string, number>;
  /** Per target FAR ("1e-6"): false when below 1 / (impostor pairs at the largest gallery size). */
  resolvable: Record<string, boolean>;
  counts: { probes: number; identities: number; trials: number; distractors: Record<string, number>; impostorPairs: number };
}

/**
 * MegaFace Challenge 1: identification at every gallery size and verification at the largest, on cosine
 * similarity of L2-normalised features. The probe × distractor scores are streamed through the pool, never
 * stored: only each probe's top-R per size and the impostor tail down to the smallest FAR survive.
 */
export async function evaluateMegaface(pool: ScoringPool, input: MegafaceInput): Promise<MegafaceResult> {
  const farTargets = input.farTargets ?? [1e-6, 1e-5, 1e-4];
  if (input.lists.length === 0) throw new UserError('MegaFace: no distractor list to evaluate against');
  if (!Number.isInteger(input.ranks) || input.ranks < 1) throw new UserError(`MegaFace: --ranks must be a positive integer, got ${input.ranks}`);
  if (input.probeFeatures.dim !== input.distractorFeatures.dim) {
    throw new UserError(`MegaFace: probe features are ${input.probeFeatures.dim}-d but distractor features are ${input.distractorFeatures.dim}-d`);
  }
  const dim = input.probeFeatures.dim;
  const { probes, identities } = prepareProbes(input.probeFeatures, input.probeEntries, input.probeListName);
  const probeCount = input.probeEntries.length;
  const noiseRows = noiseDistractorMask(input.distractorFeatures.rows, input.noiseDistractorRows);
  const passes = planGalleryPasses(input.lists);
  const largest = [...input.lists].sort((a, b) => b.rows.length - a.rows.length)[0];
  const impostorCount = probeCount * largest.rows.length;
  const tailK = Math.min(impostorCount, impostorsAboveThreshold(Math.max(...farTargets), impostorCount) + 1);

  const totalColumns = passes.reduce((n, p) => n + p.columns.length, 0);
  const progress = startProgress('scoring probes × distractors', totalColumns, input.progress);
  const scan = await scanGallery(
    pool,
    {
      probes,
      probeCount,
      dim,
      gallery: input.distractorFeatures.data,
      noiseRows,
      describeRow: input.distractorFeatures.describe,
      passes,
      ranks: input.ranks,
      tailK,
    },
    progress,
  );
  progress.stop();
  const probeScores = await similarityMatrix(pool, probes, probeCount, dim);

  const identification: Record<string, number> = {};
  const cmc: Record<string, number[]> = {};
  const distractors: Record<string, number> = {};
  for (const list of [...input.lists].sort((a, b) => a.size - b.size)) {
    const rates = identificationRates(identities, probeScores, probeCount, scan.topBySize.get(list.size)!, input.ranks);
    identification[String(list.size)] = rates[0];
    cmc[String(list.size)] = rates;
    distractors[String(list.size)] = list.rows.length;
  }
  const genuine = genuineScores(identities, probeScores, probeCount);
  const verification: Record<string, number> = {};
  for (const far of farTargets) verification[`tarAtFar${farKey(far)}`] = tarAtFarFromTail(genuine, scan.tail, impostorCount, far);
  return {
    protocol: 'megaface',
    identification,
    cmc,
    verification,
    resolvable: resolvableTargets(farTargets, impostorCount),
    counts: { probes: probeCount, identities: identities.members.length, trials: trialCount(identities), distractors, impostorPairs: impostorCount },
  };
}
