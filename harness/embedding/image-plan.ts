import { join } from 'node:path';
import { alignFace } from '../align/align-face.js';
import type { ResolvedDataset } from '../data/registry/registry.js';
import { UserError } from '../core/errors.js';
import { readIjbcFaceTidMid, readIjbcLandmarks, type IjbcLandmarks } from '../formats/ijbc-meta.js';
import { decodeImage, resizeRaw, type ImageSpec } from '../formats/image.js';
import { cachedPixels, decodeImageCached } from '../data/image-cache.js';
import { lfwPairKeys, readLfwPairs } from '../formats/lfw-pairs.js';
import { findMegafaceLists, readFacescrubList, readMegafaceList } from '../formats/megaface-lists.js';
import { readVerificationBin } from '../formats/verification-bin.js';
import { existsSync } from 'node:fs';

/**
 * Which images a protocol dataset needs embedded, under which keys, grouped into the feature sets its
 * protocol reads: LFW one set keyed by LFW-relative path, a .bin one set in file order, MegaFace a probe and a
 * distractor set keyed by their list paths, IJB-C one set keyed by image name (faces aligned by their five
 * landmarks first, as insightface does).
 */
export interface ImageJob {
  key: string;
  /** 8-bit HWC pixels at the backbone's input size. */
  load(spec: ImageSpec): Promise<Uint8Array>;
}

export interface FeatureSetPlan {
  name: string;
  images: ImageJob[];
}

const fromFile = (path: string): ImageJob['load'] => (spec) => decodeImageCached(path, spec);

function unique(keys: Iterable<string>): string[] {
  return [...new Set(keys)];
}

export function planEmbedding(ds: ResolvedDataset): FeatureSetPlan[] {
  const { entry, paths } = ds;
  switch (entry.role) {
    case 'lfw': {
      if (entry.format !== 'lfw-pairs') throw new UserError(`dataset "${entry.name}" holds feature rows (format ${entry.format}), not images: there is nothing to decode`);
      const keys = unique(lfwPairKeys(readLfwPairs(paths.pairs!)));
      return [{ name: 'features', images: keys.map((key) => ({ key, load: fromFile(join(paths.images!, key)) })) }];
    }
    case 'verification-bin': {
      const bin = readVerificationBin(paths.bin!);
      return [
        {
          name: 'features',
          images: bin.images.map((bytes, i) => ({ key: String(i), load: (spec) => decodeImage(bytes, { ...spec, label: `${paths.bin} image ${i}` }) })),
        },
      ];
    }
    case 'megaface': {
      const probeKeys = unique(readFacescrubList(paths.probeList!).paths);
      const lists = findMegafaceLists(paths.distractorLists!);
      if (lists.length === 0) throw new UserError(`${paths.distractorLists}: no megaface_features_list.json_<size>_<set> lists found`);
      const distractorKeys = unique(lists.flatMap((l) => readMegafaceList(l.path)));
      return [
        { name: 'probe', images: probeKeys.map((key) => ({ key, load: fromFile(join(paths.probeImages!, key)) })) },
        { name: 'distractors', images: distractorKeys.map((key) => ({ key, load: fromFile(join(paths.distractorImages!, key)) })) },
      ];
    }
    case 'ijbc':
    case 'ijbb': {
      const images = unique(readIjbcFaceTidMid(paths.faceTidMid!).map((f) => f.image));
      const landmarks = paths.landmarks && existsSync(paths.landmarks) ? landmarkIndex(readIjbcLandmarks(paths.landmarks), paths.landmarks) : null;
      return [
        {
          name: 'features',
          images: images.map((key) => {
            const file = join(paths.images!, key);
            if (!landmarks) return { key, load: fromFile(file) };
            const points = landmarks.get(key);
            if (!points) throw new UserError(`${paths.landmarks}: no landmarks for image ${key} (named in ${paths.faceTidMid})`);
            return {
              key,
              load: (spec) =>
                cachedPixels(`${file}|aligned:${points.points.flat().join(',')}|${spec.size[0]}x${spec.size[1]}x${spec.channels}`, async () => {
                  const aligned = await alignFace(file, points.points, { size: 112, channels: spec.channels, label: file });
                  return resizeRaw(aligned, { height: 112, width: 112, channels: spec.channels }, spec);
                }),
            };
          }),
        },
      ];
    }
    default:
      throw new UserError(`dataset "${entry.name}" is a ${entry.role} set: only protocol datasets (lfw, verification-bin, megaface, ijbc, ijbb) are embedded`);
  }
}

function landmarkIndex(rows: IjbcLandmarks[], path: string): Map<string, IjbcLandmarks> {
  const index = new Map<string, IjbcLandmarks>();
  for (const row of rows) {
    if (index.has(row.image)) throw new UserError(`${path}: image ${row.image} has landmarks twice`);
    index.set(row.image, row);
  }
  return index;
}
