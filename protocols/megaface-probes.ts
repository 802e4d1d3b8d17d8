import { UserError } from '../harness/core/errors.js';
import { sharedFloat32 } from '../harness/scoring/shared-arrays.js';
import { rowNorm, writeNormalisedRow, type FeatureMatrix } from './feature-matrix.js';
import type { ProbeIdentities } from './megaface.js';

/** One entry of the FaceScrub probe list, resolved to its feature row. */
export interface ProbeEntry {
  row: number;
  identity: string;
  /** Listed in the probe noise list: replaced by its identity's centre. */
  noise: boolean;
}

/**
 * The probe matrix the protocol scores: each entry's L2-normalised feature, except noise entries, which get
 * the normalised mean of their identity's unlisted (normalised) features, as insightface's remove_noises
 * does. Identities are grouped by their "id" value in list order; each needs two images.
 */
export function prepareProbes(features: FeatureMatrix, entries: readonly ProbeEntry[], listName: string): { probes: Float32Array; identities: ProbeIdentities; identityNames: string[] } {
  const dim = features.dim;
  const byIdentity = new Map<string, number[]>();
  entries.forEach((e, k) => {
    const members = byIdentity.get(e.identity);
    if (members) members.push(k);
    else byIdentity.set(e.identity, [k]);
  });
  for (const [identity, members] of byIdentity) {
    if (members.length < 2) {
      throw new UserError(`${listName}: identity '${identity}' has only one image (entry ${members[0]}); MegaFace needs at least two per probe identity`);
    }
  }
  const probes = sharedFloat32(entries.length * dim);
  entries.forEach((e, k) => {
    if (!e.noise) writeNormalisedRow(features, e.row, probes, k * dim);
  });
  for (const [identity, members] of byIdentity) {
    const clean = members.filter((k) => !entries[k].noise);
    const noisy = members.filter((k) => entries[k].noise);
    if (noisy.length === 0) continue;
    if (clean.length === 0) {
      throw new UserError(`${listName}: every image of identity '${identity}' is in the probe noise list; no clean image to replace them with`);
    }
    const centre = new Float64Array(dim);
    for (const k of clean) for (let d = 0; d < dim; d++) centre[d] += probes[k * dim + d];
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += centre[d] * centre[d];
    norm = Math.sqrt(norm);
    if (norm === 0) throw new UserError(`${listName}: the clean images of identity '${identity}' average to zero; cannot replace its noise images`);
    for (const k of noisy) {
      rowNorm(features, entries[k].row); // a noise entry's own feature must still be valid input
      for (let d = 0; d < dim; d++) probes[k * dim + d] = centre[d] / norm;
    }
  }
  const identityNames = [...byIdentity.keys()];
  return { probes, identities: { members: identityNames.map((id) => Int32Array.from(byIdentity.get(id)!)) }, identityNames };
}
