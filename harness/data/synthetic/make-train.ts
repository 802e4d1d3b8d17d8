import type { SyntheticRecipe } from './recipe.js';
import { identityName, imageNumber, type SplitPlan } from './plan.js';
import type { ImageJob } from './worker.js';

/** The training split: an image folder with one sub-folder per identity (CASIA-WebFace layout), lossless PNG. */
export function planTrainSplit(spec: SyntheticRecipe['splits']['train'], firstIdentity: number): SplitPlan {
  const jobs: ImageJob[] = [];
  for (let k = 0; k < spec.identities; k++) {
    const identity = firstIdentity + k;
    const name = identityName('id', identity);
    for (let i = 0; i < spec.imagesPerIdentity; i++) jobs.push({ path: `${name}/${imageNumber(i)}.png`, identity, imageIndex: i });
  }
  return {
    folder: 'train',
    jobs,
    identities: { first: firstIdentity, count: spec.identities },
    counts: { images: jobs.length, identities: spec.identities },
    // the folder layout is the whole format
    writeFiles: () => [],
  };
}
