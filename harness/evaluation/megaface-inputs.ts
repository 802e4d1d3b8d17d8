import { UserError } from '../core/errors.js';
import { startProgress, type ProgressMode } from '../core/progress.js';
import { keysPathFor, readFeatureSet } from '../formats/feature-set.js';
import { findMegafaceLists, readFacescrubList, readMegafaceList } from '../formats/megaface-lists.js';
import type { MegafaceInput } from '../../protocols/evaluate-megaface.js';
import { featureMatrix } from '../../protocols/feature-matrix.js';
import type { DistractorList } from '../../protocols/megaface-gallery.js';
import { noisyIndices, readNoiseList } from '../../protocols/megaface-noise.js';

/** Where a MegaFace Challenge 1 evaluation reads its inputs (the devkit's lists, insightface's noise lists). */
export interface MegafacePaths {
  probe: string;
  probeKeys?: string;
  /** facescrub_features_list.json */
  probeList: string;
  distractors: string;
  distractorKeys?: string;
  /** The folder holding megaface_features_list.json_<size>_1. */
  distractorLists: string;
  noiseProbe?: string;
  noiseDistractor?: string;
}

export interface MegafaceOptions {
  /** Gallery sizes (default: every size whose list exists). */
  sizes?: number[];
  ranks: number;
  progress?: ProgressMode;
}

/** Keys → rows of a feature set, failing with the list file and entry that named a missing key. */
function rowsOf(rowOf: Map<string, number>, keys: readonly string[], listPath: string, keysPath: string): Int32Array {
  return Int32Array.from(keys, (key, i) => {
    const row = rowOf.get(key);
    if (row === undefined) throw new UserError(`${listPath}: "path"[${i}] '${key}' has no feature: it is not in ${keysPath}`);
    return row;
  });
}

export function loadMegafaceInput(paths: MegafacePaths, opts: MegafaceOptions): MegafaceInput {
  const available = findMegafaceLists(paths.distractorLists).filter((l) => l.set === 1);
  const wanted = opts.sizes ?? available.map((l) => l.size);
  const listFiles = wanted.map((size) => {
    const file = available.find((l) => l.size === size);
    if (!file) throw new UserError(`${paths.distractorLists}: no distractor list megaface_features_list.json_${size}_1 for gallery size ${size}`);
    return file;
  });
  if (listFiles.length === 0) throw new UserError(`${paths.distractorLists}: no megaface_features_list.json_<size>_1 files found`);

  const reading = startProgress('reading features and lists', 2 + listFiles.length, opts.progress);
  const probeList = readFacescrubList(paths.probeList);
  const probeKeysPath = paths.probeKeys ?? keysPathFor(paths.probe);
  const probeSet = readFeatureSet(paths.probe, { keysPath: probeKeysPath });
  reading.update(1);
  const distractorKeysPath = paths.distractorKeys ?? keysPathFor(paths.distractors);
  // NaN and zero rows are caught by the workers as they normalise the rows a list uses: a second pass over
  // 2 GB on the main thread would cost seconds at 1M distractors.
  const distractorSet = readFeatureSet(paths.distractors, { keysPath: distractorKeysPath, shared: true, allowNaN: true });
  reading.update(2);
  if (probeSet.dim !== distractorSet.dim) {
    throw new UserError(`dimension mismatch: ${paths.probe} has ${probeSet.dim}-d features but ${paths.distractors} has ${distractorSet.dim}-d`);
  }
  const probeRows = rowsOf(new Map(probeSet.keys.map((k, i) => [k, i] as const)), probeList.paths, paths.probeList, probeKeysPath);
  const distractorRowOf = new Map(distractorSet.keys.map((k, i) => [k, i] as const));
  const lists: DistractorList[] = listFiles.map((file, k) => {
    const rows = rowsOf(distractorRowOf, readMegafaceList(file.path), file.path, distractorKeysPath);
    reading.update(3 + k);
    return { size: file.size, rows, name: file.path };
  });
  reading.stop();

  const probeNoise = paths.noiseProbe ? noisyIndices(probeList.paths, readNoiseList(paths.noiseProbe)) : new Set<number>();
  const distractorNoise = paths.noiseDistractor ? noisyIndices(distractorSet.keys, readNoiseList(paths.noiseDistractor)) : new Set<number>();
  return {
    probeFeatures: featureMatrix(probeSet.data, probeSet.rows, probeSet.dim, probeSet.keys, paths.probe),
    probeEntries: probeList.paths.map((_, i) => ({ row: probeRows[i], identity: probeList.ids[i], noise: probeNoise.has(i) })),
    probeListName: paths.probeList,
    distractorFeatures: featureMatrix(distractorSet.data, distractorSet.rows, distractorSet.dim, distractorSet.keys, paths.distractors),
    lists,
    noiseDistractorRows: distractorNoise,
    ranks: opts.ranks,
    progress: opts.progress,
  };
}
