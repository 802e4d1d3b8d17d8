import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { isUserError } from '../../core/errors.js';
import { IMAGE_EXTENSIONS } from '../../formats/image.js';
import { readIdx } from '../../formats/idx.js';
import { readIjbcFaceTidMid, readIjbcLandmarks, readIjbcTemplatePairs } from '../../formats/ijbc-meta.js';
import { readKeys } from '../../formats/feature-set.js';
import { readNpyHeader } from '../../formats/npy.js';
import { readProperty, readRecLayout, unpackRecord } from '../../formats/insightface-rec.js';
import { lfwPairKeys, readLfwPairs } from '../../formats/lfw-pairs.js';
import { findMegafaceLists, readFacescrubList, readMegafaceList } from '../../formats/megaface-lists.js';
import { IndexedRecordFile } from '../../formats/recordio.js';
import { readVerificationBin } from '../../formats/verification-bin.js';
import { identityOfKey } from '../readers/feature-train-set.js';
import { listImageFolder } from '../readers/image-folder.js';
import { datasetStatus, missingFiles, resolveDataset, type DatasetStatus, type RegistryOptions, type ResolvedDataset } from './registry.js';
import type { ExpectedCounts } from './schema.js';
import { checksumProblems, compareChecksums } from './checksums.js';
import type { ProgressMode } from '../../core/progress.js';
import { scanImages, type BadImage, type ImageItem } from '../readers/image-scan.js';

/** What `flb datasets check` found for one dataset. */
export interface DatasetCheck {
  name: string;
  role: string;
  format: string;
  status: DatasetStatus;
  /** True when every file is there, parses, and every expected count and checksum matches. */
  ok: boolean;
  root: string;
  paths: Record<string, string>;
  /** Counts found on disk, with the expected value where datasets.json (or the generator's manifest) gives one. */
  counts: Record<string, { found: number; expected?: number }>;
  checksums: Record<string, { expected: string; found?: string }>;
  /** Each thing missing or wrong, naming the file and what was expected. */
  problems: string[];
  /** With --deep: how many images were decoded, and every one that could not be (also counted in `problems`). */
  deep?: { images: number; bad: BadImage[] };
  hint?: string;
}

export interface CheckOptions extends RegistryOptions {
  /** Decode every image (a progress bar shows how far). */
  deep?: boolean;
  progress?: ProgressMode;
}

/** At most this many missing images are named one by one; the rest are counted. */
const MAX_LISTED = 10;

export async function checkDataset(name: string, opts: CheckOptions = {}): Promise<DatasetCheck> {
  const ds = resolveDataset(name, opts);
  const { entry } = ds;
  const status = datasetStatus(ds);
  const check: DatasetCheck = {
    name,
    role: entry.role,
    format: entry.format,
    status,
    ok: false,
    root: ds.root,
    paths: ds.paths,
    counts: {},
    checksums: {},
    problems: missingFiles(ds),
    hint: entry.hint,
  };
  if (status === 'will-be-generated') {
    check.problems.unshift(`not generated yet (or made from an older recipe): \`flb datasets make ${name}\` makes it, as does its first use`);
  }
  if (check.problems.length === 0) {
    try {
      const found = countContents(ds, check.problems);
      for (const [key, value] of Object.entries(found)) check.counts[key] = { found: value! };
    } catch (e) {
      if (!isUserError(e)) throw e;
      check.problems.push(e.message);
    }
    for (const [key, expected] of Object.entries(entry.expected ?? {})) {
      const found = check.counts[key]?.found;
      if (found === undefined) continue;
      check.counts[key]!.expected = expected;
      if (found !== expected) check.problems.push(`${key}: found ${found}, expected ${expected}`);
    }
    await verifyChecksums(ds, check);
    if (opts.deep) await decodeEveryImage(ds, check, opts.progress ?? 'auto');
  }
  check.ok = check.problems.length === 0;
  return check;
}

function countContents(ds: ResolvedDataset, problems: string[]): ExpectedCounts {
  const p = ds.paths;
  switch (ds.entry.format) {
    case 'image-folder': {
      const listing = listImageFolder(p.images!);
      return { images: listing.images.length, identities: listing.classes.length };
    }
    case 'lfw-pairs': {
      const pairs = readLfwPairs(p.pairs!);
      reportMissingImages(p.images!, lfwPairKeys(pairs), `images named in ${p.pairs}`, problems);
      const identities = subfolders(p.images!);
      const images = identities.reduce((s, d) => s + imageFiles(join(p.images!, d)).length, 0);
      return { images, identities: identities.length, pairs: pairs.pairs.length };
    }
    case 'features': {
      const keys = featureKeys(p.features!, p.keys!, problems);
      const unnamed = keys.filter((k) => identityOfKey(k) === null);
      if (unnamed.length > 0) problems.push(`${p.keys}: keys without an identity folder (expected Identity/image.jpg): ${describeList(unnamed)}`);
      return { images: keys.length, identities: new Set(keys.map(identityOfKey).filter((n) => n !== null)).size };
    }
    case 'lfw-features': {
      const pairs = readLfwPairs(p.pairs!);
      const keys = new Set(featureKeys(p.features!, p.keys!, problems));
      const missing = lfwPairKeys(pairs).filter((k) => !keys.has(k));
      if (missing.length > 0) problems.push(`${missing.length} images named in ${p.pairs} have no row in ${p.features}: ${describeList(missing)}`);
      return { images: keys.size, pairs: pairs.pairs.length };
    }
    case 'megaface-devkit': {
      const probes = readFacescrubList(p.probeList!);
      reportMissingImages(p.probeImages!, probes.paths, `probe images named in ${p.probeList}`, problems);
      const lists = findMegafaceLists(p.distractorLists!);
      if (lists.length === 0) {
        problems.push(`${p.distractorLists}: no distractor lists (megaface_features_list.json_<size>_<set>)`);
        return { probes: probes.paths.length };
      }
      const largest = readMegafaceList(lists[lists.length - 1]!.path);
      reportMissingImages(p.distractorImages!, largest, `distractor images named in ${lists[lists.length - 1]!.path}`, problems);
      return { images: probes.paths.length + largest.length, probes: probes.paths.length, distractors: largest.length };
    }
    case 'ijbc-meta': {
      const faces = readIjbcFaceTidMid(p.faceTidMid!);
      reportMissingImages(p.images!, faces.map((f) => f.image), `images named in ${p.faceTidMid}`, problems);
      const landmarked = new Set(readIjbcLandmarks(p.landmarks!).map((l) => l.image));
      const unlandmarked = faces.filter((f) => !landmarked.has(f.image)).map((f) => f.image);
      if (unlandmarked.length > 0) problems.push(`${p.landmarks}: no landmarks for ${describeList(unlandmarked)}`);
      const pairs = readIjbcTemplatePairs(p.templatePairLabel!);
      const templates = new Set(faces.map((f) => f.template));
      const unknown = new Set<number>();
      for (const t of [...pairs.t1, ...pairs.t2]) if (!templates.has(t)) unknown.add(t);
      if (unknown.size > 0) problems.push(`${p.templatePairLabel}: pairs name templates with no images in ${p.faceTidMid}: ${describeList([...unknown].map(String))}`);
      return { images: faces.length, templates: templates.size, pairs: pairs.t1.length };
    }
    case 'verification-bin':
      return { pairs: readVerificationBin(p.bin!).issame.length };
    case 'recordio': {
      const layout = readRecLayout(new IndexedRecordFile(p.rec!, p.idx!));
      return { images: layout.imageKeys.length, identities: readProperty(p.property!).numClasses };
    }
    case 'idx': {
      const images = readIdx(p.images!);
      const labels = readIdx(p.labels!);
      if (labels.shape[0] !== images.shape[0]) problems.push(`${p.labels}: ${labels.shape[0]} labels for ${images.shape[0]} images in ${p.images}`);
      return { images: images.shape[0], identities: new Set(labels.data).size };
    }
  }
}

/** `datasets check --deep`: every image of the dataset decoded, and each one that cannot be named. */
async function decodeEveryImage(ds: ResolvedDataset, check: DatasetCheck, progress: ProgressMode): Promise<void> {
  let items: ImageItem[];
  try {
    items = imageItemsOf(ds);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return; // already reported by the counts above
  }
  const bad = await scanImages(items, { deep: true, progress, label: `decoding ${ds.entry.name}` });
  check.deep = { images: items.length, bad };
  if (bad.length > 0) check.problems.push(`${bad.length} of ${items.length} images cannot be decoded (each listed below)`);
}

/** The images a dataset holds, as files under its folders or as records of its container; none for feature sets. */
function imageItemsOf(ds: ResolvedDataset): ImageItem[] {
  const p = ds.paths;
  const files = (root: string, keys: readonly string[]) => [...new Set(keys)].filter((k) => existsSync(join(root, k))).map((key) => ({ key, source: join(root, key) }));
  switch (ds.entry.format) {
    case 'image-folder':
      return files(p.images!, listImageFolder(p.images!).images.map((e) => e.key));
    case 'lfw-pairs':
      return files(p.images!, subfolders(p.images!).flatMap((d) => imageFiles(join(p.images!, d)).map((f) => `${d}/${f}`)));
    case 'megaface-devkit': {
      const lists = findMegafaceLists(p.distractorLists!);
      const probes = files(p.probeImages!, readFacescrubList(p.probeList!).paths).map((i) => ({ ...i, key: `probes/${i.key}` }));
      const distractors = lists.length ? files(p.distractorImages!, readMegafaceList(lists[lists.length - 1]!.path)).map((i) => ({ ...i, key: `distractors/${i.key}` })) : [];
      return [...probes, ...distractors];
    }
    case 'ijbc-meta':
      return files(p.images!, readIjbcFaceTidMid(p.faceTidMid!).map((f) => f.image));
    case 'recordio': {
      const rec = new IndexedRecordFile(p.rec!, p.idx!);
      return readRecLayout(rec).imageKeys.map((key) => ({ key: `${basename(p.rec!)} record ${key}`, source: () => unpackRecord(rec.read(key), `${p.rec} record ${key}`).image }));
    }
    case 'verification-bin':
      return readVerificationBin(p.bin!).images.map((bytes, i) => ({ key: `${basename(p.bin!)} image ${i}`, source: () => bytes }));
    case 'idx':
    case 'features':
    case 'lfw-features':
      return [];
  }
}

/** A feature set's keys, after checking its header against them (the rows themselves are not read). */
function featureKeys(features: string, keysPath: string, problems: string[]): string[] {
  const { shape } = readNpyHeader(features);
  const keys = readKeys(keysPath);
  if (shape.length !== 2) problems.push(`${features}: expected a 2-D [rows, dim] array; got shape [${shape.join(', ')}]`);
  else if (shape[0] !== keys.length) problems.push(`${features} has ${shape[0]} rows but ${keysPath} has ${keys.length} keys`);
  return keys;
}

function reportMissingImages(root: string, keys: readonly string[], what: string, problems: string[]): void {
  const missing = keys.filter((k) => !existsSync(join(root, k)));
  if (missing.length > 0) problems.push(`${missing.length} of ${keys.length} ${what} are missing under ${root}: ${describeList(missing)}`);
}

function describeList(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown}, … (${items.length - MAX_LISTED} more)` : shown;
}

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name);
}

function imageFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => !f.startsWith('.') && IMAGE_EXTENSIONS.has(extname(f).toLowerCase()));
}

async function verifyChecksums(ds: ResolvedDataset, check: DatasetCheck): Promise<void> {
  const results = await compareChecksums(ds);
  for (const { label, expected, found } of results) check.checksums[label] = { expected, found };
  check.problems.push(...checksumProblems(results));
}
