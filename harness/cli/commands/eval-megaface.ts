import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../../core/errors.js';
import { keysPathFor, readFeatureSet } from '../../formats/feature-set.js';
import { findMegafaceLists, readFacescrubList, readMegafaceList } from '../../formats/megaface-lists.js';
import { integerOption, progressModeFrom } from '../options.js';
import { startProgress } from '../../core/progress.js';
import { evaluateMegaface, type MegafaceResult } from '../../../protocols/evaluate-megaface.js';
import { featureMatrix } from '../../../protocols/feature-matrix.js';
import type { DistractorList } from '../../../protocols/megaface-gallery.js';
import { noisyIndices, readNoiseList } from '../../../protocols/megaface-noise.js';
import { emitResult, formatTable, percent, requireFlags, withScoringPool, type EvalOutputFlags } from './eval-output.js';
import type { FromRun, FromRunFlags } from './eval-from-run.js';

export interface MegafaceFlags extends EvalOutputFlags {
  probe?: string;
  probeKeys?: string;
  probeList?: string;
  distractors?: string;
  distractorKeys?: string;
  distractorLists?: string;
  sizes?: number[];
  ranks: number;
  noiseProbe?: string;
  noiseDistractor?: string;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new InvalidArgumentError(`expected gallery sizes like 10,100,1000; got '${value}'`);
  return sizes;
}

/** Keys → rows of a feature set, failing with the list file and entry that named a missing key. */
function rowsOf(rowOf: Map<string, number>, keys: readonly string[], listPath: string, keysPath: string): Int32Array {
  return Int32Array.from(keys, (key, i) => {
    const row = rowOf.get(key);
    if (row === undefined) throw new UserError(`${listPath}: "path"[${i}] '${key}' has no feature: it is not in ${keysPath}`);
    return row;
  });
}

export async function runMegaface(flags: MegafaceFlags): Promise<MegafaceResult> {
  const mode = progressModeFrom(flags);
  const paths = requireFlags('megaface', flags, {
    probe: '--probe',
    probeList: '--probe-list',
    distractors: '--distractors',
    distractorLists: '--distractor-lists',
  });
  const available = findMegafaceLists(paths.distractorLists).filter((l) => l.set === 1);
  const wanted = flags.sizes ?? available.map((l) => l.size);
  const listFiles = wanted.map((size) => {
    const file = available.find((l) => l.size === size);
    if (!file) throw new UserError(`${paths.distractorLists}: no distractor list megaface_features_list.json_${size}_1 for gallery size ${size}`);
    return file;
  });
  if (listFiles.length === 0) throw new UserError(`${paths.distractorLists}: no megaface_features_list.json_<size>_1 files found`);

  const reading = startProgress('reading features and lists', 2 + listFiles.length, mode);
  const probeList = readFacescrubList(paths.probeList);
  const probeKeysPath = flags.probeKeys ?? keysPathFor(paths.probe);
  const probeSet = readFeatureSet(paths.probe, { keysPath: probeKeysPath });
  reading.update(1);
  const distractorKeysPath = flags.distractorKeys ?? keysPathFor(paths.distractors);
  // NaN and zero rows are caught by the workers as they normalise the rows a list uses: a second pass over
  // 2 GB on the main thread would cost seconds at 1M distractors.
  const distractorSet = readFeatureSet(paths.distractors, { keysPath: distractorKeysPath, shared: true, allowNaN: true });
  reading.update(2);
  if (probeSet.dim !== distractorSet.dim) {
    throw new UserError(`dimension mismatch: ${paths.probe} has ${probeSet.dim}-d features but ${paths.distractors} has ${distractorSet.dim}-d`);
  }
  const probeRowOf = new Map(probeSet.keys.map((k, i) => [k, i] as const));
  const probeRows = rowsOf(probeRowOf, probeList.paths, paths.probeList, probeKeysPath);
  const distractorRowOf = new Map(distractorSet.keys.map((k, i) => [k, i] as const));
  const lists: DistractorList[] = listFiles.map((file, k) => {
    const rows = rowsOf(distractorRowOf, readMegafaceList(file.path), file.path, distractorKeysPath);
    reading.update(3 + k);
    return { size: file.size, rows, name: file.path };
  });
  reading.stop();

  const probeNoise = flags.noiseProbe ? noisyIndices(probeList.paths, readNoiseList(flags.noiseProbe)) : new Set<number>();
  const distractorNoise = flags.noiseDistractor ? noisyIndices(distractorSet.keys, readNoiseList(flags.noiseDistractor)) : new Set<number>();
  return withScoringPool(flags, (pool) =>
    evaluateMegaface(pool, {
      probeFeatures: featureMatrix(probeSet.data, probeSet.rows, probeSet.dim, probeSet.keys, paths.probe),
      probeEntries: probeList.paths.map((_, i) => ({ row: probeRows[i], identity: probeList.ids[i], noise: probeNoise.has(i) })),
      probeListName: paths.probeList,
      distractorFeatures: featureMatrix(distractorSet.data, distractorSet.rows, distractorSet.dim, distractorSet.keys, paths.distractors),
      lists,
      noiseDistractorRows: distractorNoise,
      ranks: flags.ranks,
      progress: mode,
    }),
  );
}

function megafaceTable(r: MegafaceResult): string {
  const sizes = Object.keys(r.identification);
  return formatTable(`MegaFace Challenge 1 (${r.counts.probes} probes of ${r.counts.identities} identities, ${r.counts.trials} trials)`, [
    ...sizes.map((s): [string, string] => [`rank-1 @ ${s} distractors`, percent(r.identification[s], 3)]),
    ...Object.entries(r.verification).map(([k, v]): [string, string] => [k.replace('tarAtFar', 'TAR @ FAR '), percent(v, 3)]),
  ]);
}

export function registerMegaface(evalCommand: Command, fromRun: FromRun): Command {
  return evalCommand
    .command('megaface')
    .description('MegaFace Challenge 1: identification (CMC) per gallery size and verification at the largest')
    .option('--probe <P.npy>', 'FaceScrub probe features (keys in P.keys.txt unless --probe-keys)')
    .option('--probe-keys <file>', 'keys file of the probe features')
    .option('--probe-list <json>', 'facescrub_features_list.json ({"path": [...], "id": [...]})')
    .option('--distractors <D.npy>', 'MegaFace distractor features (keys in D.keys.txt unless --distractor-keys)')
    .option('--distractor-keys <file>', 'keys file of the distractor features')
    .option('--distractor-lists <dir>', 'folder with megaface_features_list.json_<size>_1')
    .option('--sizes <list>', 'gallery sizes (default: every size whose list exists)', sizeList)
    .option('--ranks <n>', 'CMC ranks', integerOption(1, 1000), 10)
    .option('--noise-probe <file>', 'FaceScrub noise list: each listed probe becomes its identity centre')
    .option('--noise-distractor <file>', 'MegaFace noise list: each listed distractor becomes a zero vector')
    .option('--threads <n>', 'scoring worker threads (default: the cores)', integerOption(1, 256))
    .option('--out <file.json>', 'also write the JSON result to this file (atomically)')
    .option('--json', 'print exactly one JSON object on stdout')
    .action(async (flags: MegafaceFlags & FromRunFlags) => {
      const result = ((await fromRun(flags, 'megaface')) as MegafaceResult | undefined) ?? (await runMegaface(flags));
      emitResult(flags, result, megafaceTable(result));
    });
}
