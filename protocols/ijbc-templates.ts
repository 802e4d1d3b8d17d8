import { sharedFloat64 } from '../harness/scoring/shared-arrays.js';
import type { Progress } from '../harness/core/progress.js';
import { rowNorm, type FeatureMatrix } from './feature-matrix.js';

/** One line of ijbc_face_tid_mid.txt, resolved to its feature row. */
export interface TemplateImage {
  row: number;
  template: number;
  media: number;
}

export interface PooledTemplates {
  /** Template ids, ascending (np.unique order). */
  ids: Float64Array;
  /** [templates × dim] float64, each row L2-normalised (an all-zero sum stays zero, as sklearn leaves it). */
  features: Float64Array;
}

/**
 * insightface's image2template_feature: each image's feature (optionally normalised, then times its
 * faceness score), averaged within each media id of a template, the media means summed, the sum
 * L2-normalised. Computed in float64.
 */
export function poolTemplates(
  features: FeatureMatrix,
  images: readonly TemplateImage[],
  /** `progress` counts images pooled. */
  opts: { faceness?: Float64Array; normalizeImages?: boolean; progress?: Progress } = {},
): PooledTemplates {
  const dim = features.dim;
  const order = Array.from(images.keys()).sort((a, b) => images[a].template - images[b].template || images[a].media - images[b].media);
  const templateCount = order.reduce((n, k, i) => (i === 0 || images[order[i - 1]].template !== images[k].template ? n + 1 : n), 0);
  const ids = new Float64Array(templateCount);
  const pooled = sharedFloat64(templateCount * dim);
  const mediaSum = new Float64Array(dim);
  let t = -1;
  let i = 0;
  while (i < order.length) {
    const template = images[order[i]].template;
    t++;
    ids[t] = template;
    const out = t * dim;
    while (i < order.length && images[order[i]].template === template) {
      const media = images[order[i]].media;
      mediaSum.fill(0);
      let count = 0;
      while (i < order.length && images[order[i]].template === template && images[order[i]].media === media) {
        const k = order[i];
        const row = images[k].row;
        const norm = rowNorm(features, row); // refuses NaN and zero features whether or not they are normalised
        const factor = (opts.normalizeImages ? 1 / norm : 1) * (opts.faceness ? opts.faceness[k] : 1);
        for (let d = 0; d < dim; d++) mediaSum[d] += features.data[row * dim + d] * factor;
        count++;
        i++;
      }
      for (let d = 0; d < dim; d++) pooled[out + d] += mediaSum[d] / count;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += pooled[out + d] * pooled[out + d];
    if (norm > 0) {
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) pooled[out + d] /= norm;
    }
    if ((t & 1023) === 0) opts.progress?.update(i);
  }
  opts.progress?.update(images.length);
  return { ids, features: pooled };
}
