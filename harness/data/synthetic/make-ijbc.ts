import { join } from 'node:path';
import {
  IJBC_FACE_TID_MID,
  IJBC_NAME_5PTS_SCORE,
  IJBC_TEMPLATE_PAIR_LABEL,
  writeIjbcFaceTidMid,
  writeIjbcLandmarks,
  writeIjbcTemplatePairs,
  type IjbcFace,
  type IjbcTemplatePairs,
} from '../../formats/ijbc-meta.js';
import type { SyntheticRecipe } from './recipe.js';
import { sampler, type SplitPlan } from './plan.js';
import type { ImageJob } from './worker.js';

type IjbcSpec = NonNullable<SyntheticRecipe['splits']['ijbc']>;

/**
 * An IJB-C 1:1 style set, as insightface's IJB_release lays it out: loose_crop/<n>.jpg, and in meta/
 * ijbc_face_tid_mid.txt ("image template media" per image), ijbc_name_5pts_score.txt ("image x1 y1 … x5 y5
 * faceness" per image) and ijbc_template_pair_label.txt ("t1 t2 label"). Each identity has several templates,
 * each template several media, each media several images; every unordered pair of templates is listed, so
 * there are genuine pairs for each identity and impostor pairs across all of them.
 */
export function planIjbcSplit(spec: IjbcSpec, firstIdentity: number, seed: number): SplitPlan {
  const rnd = sampler(seed, 'ijbc');
  const jobs: ImageJob[] = [];
  const faces: IjbcFace[] = [];
  const templateIdentity: number[] = [];
  let media = 0;
  for (let k = 0; k < spec.identities; k++) {
    const identity = firstIdentity + k;
    let imageIndex = 0;
    for (let t = 0; t < spec.templatesPerIdentity; t++) {
      const template = templateIdentity.length + 1;
      templateIdentity.push(identity);
      const mediaCount = rnd.intIn(spec.mediaPerTemplate);
      for (let m = 0; m < mediaCount; m++) {
        media++;
        const frames = rnd.intIn(spec.imagesPerMedia);
        for (let f = 0; f < frames; f++) {
          const image = `${jobs.length + 1}.jpg`;
          jobs.push({ path: `loose_crop/${image}`, identity, imageIndex: imageIndex++ });
          faces.push({ image, template, media });
        }
      }
    }
  }
  const pairCount = (templateIdentity.length * (templateIdentity.length - 1)) / 2;
  return {
    folder: 'ijbc',
    jobs,
    identities: { first: firstIdentity, count: spec.identities },
    counts: { images: jobs.length, templates: templateIdentity.length, media, pairs: pairCount },
    writeFiles(splitDir, rendered) {
      const meta = join(splitDir, 'meta');
      writeIjbcFaceTidMid(join(meta, IJBC_FACE_TID_MID), faces);
      const round = (v: number, digits: number) => Number(v.toFixed(digits));
      writeIjbcLandmarks(
        join(meta, IJBC_NAME_5PTS_SCORE),
        faces.map((face, i) => {
          const r = rendered[i]!;
          const points = r.landmarks.map(([x, y]): [number, number] => [round(x, 3), round(y, 3)]);
          return { image: face.image, points: points as typeof r.landmarks, score: round(r.faceness, 4) };
        }),
      );
      writeIjbcTemplatePairs(join(meta, IJBC_TEMPLATE_PAIR_LABEL), allTemplatePairs(templateIdentity));
      return [IJBC_FACE_TID_MID, IJBC_NAME_5PTS_SCORE, IJBC_TEMPLATE_PAIR_LABEL].map((f) => `meta/${f}`);
    },
  };
}

/** Every unordered pair of templates once (t1 < t2), labelled 1 when both show the same identity. */
function allTemplatePairs(templateIdentity: readonly number[]): IjbcTemplatePairs {
  const n = templateIdentity.length;
  const count = (n * (n - 1)) / 2;
  const pairs = { t1: new Int32Array(count), t2: new Int32Array(count), label: new Uint8Array(count) };
  let k = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++, k++) {
      pairs.t1[k] = a + 1;
      pairs.t2[k] = b + 1;
      pairs.label[k] = templateIdentity[a] === templateIdentity[b] ? 1 : 0;
    }
  }
  return pairs;
}
