import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { keyLookup, keysPathFor, readFeatureSet } from '../../formats/feature-set.js';
import {
  IJBC_FACE_TID_MID,
  IJBC_NAME_5PTS_SCORE,
  IJBC_TEMPLATE_PAIR_LABEL,
  readIjbcFaceTidMid,
  readIjbcLandmarks,
  readIjbcTemplatePairs,
} from '../../formats/ijbc-meta.js';
import { integerOption, progressModeFrom } from '../options.js';
import { startProgress } from '../../core/progress.js';
import { evaluateIjbc, type IjbcResult } from '../../../protocols/evaluate-ijbc.js';
import { featureMatrix } from '../../../protocols/feature-matrix.js';
import { emitResult, formatTable, percent, requireFlags, withScoringPool, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

export interface IjbcFlags extends EvalOutputFlags {
  features?: string;
  keys?: string;
  meta?: string;
  faceness: boolean;
  normalizeImages?: boolean;
}

/** The folder holding the meta files: DIR itself, or DIR/meta as the release lays it out. */
function metaFolder(dir: string): string {
  if (existsSync(join(dir, IJBC_FACE_TID_MID))) return dir;
  if (existsSync(join(dir, 'meta', IJBC_FACE_TID_MID))) return join(dir, 'meta');
  throw new UserError(`${dir}: no ${IJBC_FACE_TID_MID} here or in ${join(dir, 'meta')}; expected the IJB-C meta folder`);
}

/** Faceness per face line, matched by image name; the file is optional. */
function facenessScores(path: string, images: readonly string[]): Float64Array {
  const score = new Map(readIjbcLandmarks(path).map((l) => [l.image, l.score] as const));
  return Float64Array.from(images, (image) => {
    const s = score.get(image);
    if (s === undefined) throw new UserError(`${path}: no faceness score for image '${image}' (named in ${IJBC_FACE_TID_MID})`);
    return s;
  });
}

export async function runIjbc(flags: IjbcFlags): Promise<IjbcResult> {
  const mode = progressModeFrom(flags);
  const paths = requireFlags('ijbc', flags, { features: '--features', meta: '--meta' });
  const dir = metaFolder(paths.meta);
  const tidMidPath = join(dir, IJBC_FACE_TID_MID);
  const pairsPath = join(dir, IJBC_TEMPLATE_PAIR_LABEL);
  const scorePath = join(dir, IJBC_NAME_5PTS_SCORE);
  const reading = startProgress('reading features and meta files', 4, mode);
  const faces = readIjbcFaceTidMid(tidMidPath);
  reading.update(1);
  const pairs = readIjbcTemplatePairs(pairsPath);
  reading.update(2);
  const faceness = flags.faceness && existsSync(scorePath) ? facenessScores(scorePath, faces.map((f) => f.image)) : undefined;
  reading.update(3);
  const set = readFeatureSet(paths.features, { keysPath: flags.keys ?? keysPathFor(paths.features) });
  reading.update(4);
  reading.stop();
  const rowOf = keyLookup(set, paths.features);
  const images = faces.map((f, i) => ({ row: rowOf(f.image, `${tidMidPath}: image ${i + 1}`), template: f.template, media: f.media }));
  return withScoringPool(flags, (pool) =>
    evaluateIjbc(pool, {
      features: featureMatrix(set.data, set.rows, set.dim, set.keys, paths.features),
      images,
      faceness,
      normalizeImages: flags.normalizeImages,
      pairs: { first: pairs.t1, second: pairs.t2, label: pairs.label, describe: (k) => `${pairsPath}: pair ${k + 1} (${pairs.t1[k]} ${pairs.t2[k]})` },
      progress: mode,
    }),
  );
}

function ijbcTable(r: IjbcResult): string {
  const c = r.counts;
  return formatTable(`IJB-C 1:1 verification (${c.templates} templates, ${c.genuine} genuine + ${c.impostor} impostor pairs)`, [
    ...Object.entries(r.tarAtFar).map(([far, tar]): [string, string] => [`TAR @ FAR ${far}`, percent(tar)]),
    ['AUC', r.auc.toFixed(5)],
  ]);
}

export function registerIjbc(evalCommand: Command, fromRun: FromRun): Command {
  return evalCommand
    .command('ijbc')
    .description('IJB-C (or IJB-B) 1:1 template verification, insightface eval_ijbc.py defaults')
    .option('--features <F.npy>', 'image features, keys = image names of ijbc_face_tid_mid.txt (F.keys.txt unless --keys)')
    .option('--keys <file>', 'keys file of the features')
    .option('--meta <dir>', 'meta folder with ijbc_face_tid_mid.txt, ijbc_template_pair_label.txt and optionally ijbc_name_5pts_score.txt')
    .option('--no-faceness', 'do not weight image features by their faceness score')
    .option('--normalize-images', 'L2-normalise each image feature before pooling (insightface use_norm_score = False)')
    .option('--threads <n>', 'scoring worker threads (default: the cores)', integerOption(1, 256))
    .option('--out <file.json>', 'also write the JSON result to this file (atomically)')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (flags: IjbcFlags & FromRunFlags) => {
      const result = ((await fromRun(flags, 'ijbc')) as IjbcResult | undefined) ?? (await runIjbc(flags));
      emitResult(flags, result, ijbcTable(result));
    });
}
