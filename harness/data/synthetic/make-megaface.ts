import { join } from 'node:path';
import { FACESCRUB_LIST_NAME, megafaceListName, writeFacescrubList, writeMegafaceList } from '../../formats/megaface-lists.js';
import type { SyntheticRecipe } from './recipe.js';
import { identityName, type SplitPlan } from './plan.js';
import type { ImageJob } from './worker.js';

type MegafaceSpec = NonNullable<SyntheticRecipe['splits']['megaface']>;

/** The devkit's distractor sizes that fit: 10, 100, 1000, … up to the number of distractors generated. */
export function distractorSizes(distractors: number): number[] {
  const sizes: number[] = [];
  for (let size = 10; size <= distractors; size *= 10) sizes.push(size);
  return sizes;
}

/**
 * A MegaFace Challenge 1 style set: probe identities with several images each (FaceScrub's role) listed in
 * templatelists/facescrub_features_list.json, and one image per distractor identity (MegaFace's role) listed
 * in templatelists/megaface_features_list.json_{size}_1 for each size; smaller lists are prefixes of larger
 * ones, so adding distractors only ever adds images.
 */
export function planMegafaceSplit(spec: MegafaceSpec, firstIdentity: number): SplitPlan {
  const jobs: ImageJob[] = [];
  const probePaths: string[] = [];
  const probeIds: string[] = [];
  for (let k = 0; k < spec.probeIdentities; k++) {
    const identity = firstIdentity + k;
    const name = identityName('Probe', identity);
    for (let i = 0; i < spec.imagesPerProbe; i++) {
      const key = `${name}/${name}_${i + 1}.png`;
      jobs.push({ path: `facescrub_images/${key}`, identity, imageIndex: i });
      probePaths.push(key);
      probeIds.push(name);
    }
  }
  const distractorPaths: string[] = [];
  const firstDistractor = firstIdentity + spec.probeIdentities;
  for (let k = 0; k < spec.distractors; k++) {
    const identity = firstDistractor + k;
    // a few hundred files per folder, as MegaFace spreads its million images over many folders; PNG, not
    // MegaFace's JPEG: the lists name the files, and a JPEG costs the generator several times more (sharp)
    const key = `${String(Math.floor(k / 500)).padStart(4, '0')}/${identityName('Distractor', identity)}_0.png`;
    jobs.push({ path: `megaface_images/${key}`, identity, imageIndex: 0 });
    distractorPaths.push(key);
  }
  return {
    folder: 'megaface',
    jobs,
    identities: { first: firstIdentity, count: spec.probeIdentities + spec.distractors },
    counts: { images: jobs.length, probes: probePaths.length, distractors: spec.distractors },
    writeFiles(splitDir) {
      const written = [`templatelists/${FACESCRUB_LIST_NAME}`];
      writeFacescrubList(join(splitDir, written[0]!), { paths: probePaths, ids: probeIds });
      for (const size of distractorSizes(spec.distractors)) {
        const list = `templatelists/${megafaceListName(size)}`;
        writeMegafaceList(join(splitDir, list), distractorPaths.slice(0, size));
        written.push(list);
      }
      return written;
    },
  };
}
