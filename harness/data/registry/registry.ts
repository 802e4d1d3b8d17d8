import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError } from '../../core/errors.js';
import type { ProgressMode } from '../../core/progress.js';
import type { ImageSpec } from '../../formats/image.js';
import { openFeatureTrainSet } from '../readers/feature-train-set.js';
import { openIdxTrainSet } from '../readers/idx-train-set.js';
import { listImageFolder, openImageFolder } from '../readers/image-folder.js';
import { describeBadImages, scanImages } from '../readers/image-scan.js';
import { openRecordIOTrainSet } from '../readers/recordio-train-set.js';
import { ensureSynthetic, isUpToDate, readManifest, type MakeResult } from '../synthetic/make.js';
import type { SyntheticRecipe } from '../synthetic/recipe.js';
import { formatFiles, parseRegistry, type DatasetEntry, type Registry } from './schema.js';
import type { TrainSet } from '../readers/train-set.js';
import { readJsonFile } from '../../core/read-file.js';

export type { DatasetEntry, DatasetFormat, DatasetRole, ExpectedCounts, Registry } from './schema.js';

/** The registry shipped at the repository root. */
export const DEFAULT_REGISTRY_FILE = fileURLToPath(new URL('../../../datasets.json', import.meta.url));

export interface RegistryOptions {
  /** --data-root; else $FLB_DATA_ROOT; else ./data. */
  dataRoot?: string;
  /** Another datasets.json (tests, users with their own list). */
  registryFile?: string;
}

export interface OpenOptions extends RegistryOptions {
  /** How generation on first use reports progress. */
  progress?: ProgressMode;
  /**
   * What to do with images of a training set that cannot be decoded (found all at once, before training): 'fail'
   * (the default) names every one of them; 'skip' trains without them and lists them in `skippedImages`.
   */
  badImages?: 'fail' | 'skip';
}

/** A registry entry with its files located on this machine. */
export interface ResolvedDataset {
  entry: DatasetEntry;
  dataRoot: string;
  /** Absolute folder of the dataset. */
  root: string;
  /** Absolute path of each file key: the first alternative that exists, else the first alternative. */
  paths: Record<string, string>;
  /** The recipe that makes it, for generated datasets. */
  recipe?: SyntheticRecipe;
}

/** Whether a dataset can be used now. */
export type DatasetStatus = 'present' | 'missing' | 'will-be-generated';

export function resolveDataRoot(dataRoot?: string): string {
  return resolve(dataRoot ?? process.env.FLB_DATA_ROOT ?? 'data');
}

const loaded = new Map<string, Registry>();

/** Reads and validates a datasets.json (cached per file for the life of the process). */
export function loadRegistry(file = DEFAULT_REGISTRY_FILE): Registry {
  const path = resolve(file);
  const cached = loaded.get(path);
  if (cached) return cached;
  const registry = parseRegistry(readJsonFile(path, 'dataset registry'), path);
  loaded.set(path, registry);
  return registry;
}

export function listDatasets(opts: RegistryOptions = {}): DatasetEntry[] {
  return loadRegistry(opts.registryFile).datasets;
}

export function getDataset(name: string, opts: RegistryOptions = {}): DatasetEntry {
  const datasets = listDatasets(opts);
  const entry = datasets.find((d) => d.name === name);
  if (!entry) throw new UserError(`unknown dataset "${name}"; datasets.json has ${datasets.map((d) => d.name).join(', ')}`);
  return entry;
}

export function resolveDataset(name: string, opts: RegistryOptions = {}): ResolvedDataset {
  const registry = loadRegistry(opts.registryFile);
  const entry = getDataset(name, opts);
  const dataRoot = resolveDataRoot(opts.dataRoot);
  const root = resolve(dataRoot, entry.location);
  const paths: Record<string, string> = {};
  for (const [key, alternatives] of Object.entries(entry.files)) {
    const candidates = alternatives.map((p) => resolve(root, p));
    paths[key] = candidates.find((p) => existsSync(p)) ?? candidates[0]!;
  }
  return { entry, dataRoot, root, paths, recipe: entry.generator ? registry.generators[entry.generator] : undefined };
}

/** The files of a dataset that are absent or of the wrong kind, each with what was expected. */
export function missingFiles(ds: ResolvedDataset): string[] {
  const problems: string[] = [];
  for (const [key, kind] of Object.entries(formatFiles[ds.entry.format])) {
    const path = ds.paths[key]!;
    const alternatives = ds.entry.files[key]!;
    let stat;
    try {
      stat = statSync(path);
    } catch {
      const also = alternatives.length > 1 ? ` (or ${alternatives.slice(1).join(', ')})` : '';
      problems.push(`${path}${also}: missing (${key}, a ${kind === 'dir' ? 'folder' : 'file'})`);
      continue;
    }
    if (kind === 'dir' && !stat.isDirectory()) problems.push(`${path}: is a file; expected the ${key} folder`);
    if (kind === 'file' && !stat.isFile()) problems.push(`${path}: is a folder; expected the ${key} file`);
  }
  return problems;
}

export function datasetStatus(ds: ResolvedDataset): DatasetStatus {
  if (ds.recipe) {
    const dir = resolve(ds.dataRoot, ds.recipe.location);
    return isUpToDate(readManifest(dir), ds.recipe) && missingFiles(ds).length === 0 ? 'present' : 'will-be-generated';
  }
  return missingFiles(ds).length === 0 ? 'present' : 'missing';
}

/**
 * Makes a generated dataset if it is absent or was made from a different recipe; for a dataset users bring,
 * checks its files are there and otherwise stops with what is missing and how to obtain it.
 */
export async function ensureDataset(name: string, opts: OpenOptions = {}): Promise<ResolvedDataset & { generation?: MakeResult }> {
  const ds = resolveDataset(name, opts);
  let generation: MakeResult | undefined;
  if (ds.recipe) generation = await ensureSynthetic(ds.entry.generator!, ds.recipe, ds.dataRoot, { progress: opts.progress });
  const missing = missingFiles(ds);
  if (missing.length > 0) {
    const how = ds.entry.hint ? `\n  to obtain it: ${ds.entry.hint}` : '';
    throw new UserError(`dataset "${name}" is not available under the data root ${ds.dataRoot}:\n  ${missing.join('\n  ')}${how}\n  (set the data root with --data-root or FLB_DATA_ROOT)`, ExitCode.checkFailed);
  }
  return { ...ds, generation };
}

/** The training loop's entry point: a TrainSet for a registry name, generated on first use where it can be. */
export async function openTrainSet(name: string, opts: OpenOptions = {}): Promise<TrainSet> {
  const ds = await ensureDataset(name, opts);
  const { entry } = ds;
  if (entry.role !== 'train') throw new UserError(`dataset "${name}" is a ${entry.role} set, not a training set; training sets: ${trainingNames(opts)}`);
  if (entry.format === 'features') return openFeatureTrainSet({ features: ds.paths.features!, keys: ds.paths.keys! }, name);
  const input = entry.input!;
  const spec: ImageSpec = { size: [input.size, input.size], channels: input.channels };
  switch (entry.format) {
    case 'image-folder':
      return openCheckedImageFolder(name, ds.paths.images!, spec, opts);
    case 'recordio':
      return Object.assign(await openRecordIOTrainSet(ds.root, spec), { name });
    case 'idx':
      return Object.assign(await openIdxTrainSet(ds.root, spec), { name });
    default:
      throw new UserError(`dataset "${name}": format ${entry.format} is not a training-set format`);
  }
}

/**
 * An image folder whose every file has been checked to be a whole image (see image-scan.ts) before the first
 * step: a dataset with bad files fails here with all of them named, not at whichever step meets the first one.
 */
async function openCheckedImageFolder(name: string, dir: string, spec: ImageSpec, opts: OpenOptions): Promise<TrainSet> {
  const listing = listImageFolder(dir);
  const items = listing.images.map((e) => ({ key: e.key, source: resolve(dir, e.key) }));
  const bad = await scanImages(items, { deep: false, progress: items.length >= 50_000 ? (opts.progress ?? 'auto') : 'quiet', label: `checking ${name}'s images` });
  if (bad.length > 0 && opts.badImages !== 'skip') {
    throw new UserError(
      `dataset "${name}": ${describeBadImages(bad, items.length, dir)}\n` +
        `fix or remove them (\`flb datasets check ${name} --deep\` decodes every image), or pass --skip-bad-images to train without them`,
      ExitCode.checkFailed,
    );
  }
  const skipped = bad.map((b) => b.key);
  const set = await openImageFolder(dir, spec, listing, new Set(skipped));
  if (set.size === 0) throw new UserError(`dataset "${name}": no image under ${dir} can be decoded`, ExitCode.checkFailed);
  return Object.assign(set, { name }, skipped.length > 0 ? { skippedImages: skipped } : {});
}

function trainingNames(opts: RegistryOptions): string {
  return listDatasets(opts)
    .filter((d) => d.role === 'train')
    .map((d) => d.name)
    .join(', ');
}
