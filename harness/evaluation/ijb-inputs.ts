import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import { keyLookup, keysPathFor, readFeatureSet } from '../formats/feature-set.js';
import { ijbMetaFiles, readIjbcFaceTidMid, readIjbcLandmarks, readIjbcTemplatePairs } from '../formats/ijbc-meta.js';
import type { IjbcInput, IjbSet } from '../../protocols/evaluate-ijbc.js';
import { featureMatrix } from '../../protocols/feature-matrix.js';

/** Where an IJB-B or IJB-C 1:1 evaluation reads its inputs. */
export interface IjbPaths {
  set: IjbSet;
  /** Image features; keys are the image names of <set>_face_tid_mid.txt. */
  features: string;
  /** Keys file of the features (default: next to them, FEATURES.keys.txt). */
  keys?: string;
  /** The meta folder, or the release folder holding meta/. */
  meta: string;
}

export interface IjbOptions {
  /** Weight image features by their faceness score, when <set>_name_5pts_score.txt is present (insightface's default). */
  faceness: boolean;
  normalizeImages?: boolean;
  progress?: ProgressMode;
}

const TITLE: Record<IjbSet, string> = { ijbb: 'IJB-B', ijbc: 'IJB-C' };

/** The folder holding the meta files: DIR itself, or DIR/meta as the release lays it out. */
function metaFolder(dir: string, set: IjbSet): string {
  const { faceTidMid } = ijbMetaFiles(set);
  if (existsSync(join(dir, faceTidMid))) return dir;
  if (existsSync(join(dir, 'meta', faceTidMid))) return join(dir, 'meta');
  throw new UserError(`${dir}: no ${faceTidMid} here or in ${join(dir, 'meta')}; expected the ${TITLE[set]} meta folder`);
}

/** Faceness per face line, matched by image name. */
function facenessScores(path: string, images: readonly string[], tidMidName: string): Float64Array {
  const score = new Map(readIjbcLandmarks(path).map((l) => [l.image, l.score] as const));
  return Float64Array.from(images, (image) => {
    const s = score.get(image);
    if (s === undefined) throw new UserError(`${path}: no faceness score for image '${image}' (named in ${tidMidName})`);
    return s;
  });
}

/** Reads the meta files and the features into the protocol's input, every reference checked with file and line. */
export function loadIjbInput(paths: IjbPaths, opts: IjbOptions): IjbcInput {
  const files = ijbMetaFiles(paths.set);
  const dir = metaFolder(paths.meta, paths.set);
  const tidMidPath = join(dir, files.faceTidMid);
  const pairsPath = join(dir, files.templatePairLabel);
  const scorePath = join(dir, files.landmarks);
  const reading = startProgress('reading features and meta files', 4, opts.progress);
  const faces = readIjbcFaceTidMid(tidMidPath);
  reading.update(1);
  const pairs = readIjbcTemplatePairs(pairsPath);
  reading.update(2);
  const faceness = opts.faceness && existsSync(scorePath) ? facenessScores(scorePath, faces.map((f) => f.image), files.faceTidMid) : undefined;
  reading.update(3);
  const set = readFeatureSet(paths.features, { keysPath: paths.keys ?? keysPathFor(paths.features) });
  reading.update(4);
  reading.stop();
  const rowOf = keyLookup(set, paths.features);
  return {
    set: paths.set,
    features: featureMatrix(set.data, set.rows, set.dim, set.keys, paths.features),
    images: faces.map((f, i) => ({ row: rowOf(f.image, `${tidMidPath}: image ${i + 1}`), template: f.template, media: f.media })),
    faceness,
    normalizeImages: opts.normalizeImages,
    pairs: { first: pairs.t1, second: pairs.t2, label: pairs.label, describe: (k) => `${pairsPath}: pair ${k + 1} (${pairs.t1[k]} ${pairs.t2[k]})` },
    progress: opts.progress,
  };
}
