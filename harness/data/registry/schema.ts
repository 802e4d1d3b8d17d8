import { UserError } from '../../core/errors.js';
import { parseRecipe, type SyntheticRecipe } from '../synthetic/recipe.js';
import { asObject, int, optionalString } from './fields.js';
import { firstUnknownKey, unknownKeyText } from '../../core/suggest.js';

/** What a dataset is used for. */
export type DatasetRole = 'train' | 'lfw' | 'megaface' | 'ijbc' | 'ijbb' | 'verification-bin';

/**
 * The on-disk layout, which decides the reader and the files an entry must name. `features` and `lfw-features`
 * hold feature rows (a feature set: NAME.npy + NAME.keys.txt) instead of images: a training set of a frozen trunk's
 * features, and the same rows with LFW's pairs.txt as the protocol set a run's head is evaluated on.
 */
export type DatasetFormat = 'image-folder' | 'recordio' | 'idx' | 'features' | 'lfw-pairs' | 'lfw-features' | 'verification-bin' | 'megaface-devkit' | 'ijbc-meta';

export type FileKind = 'file' | 'dir';

/** The files each format needs, by the key an entry's `files` gives them under. */
export const formatFiles: Record<DatasetFormat, Record<string, FileKind>> = {
  'image-folder': { images: 'dir' },
  recordio: { rec: 'file', idx: 'file', property: 'file' },
  idx: { images: 'file', labels: 'file' },
  features: { features: 'file', keys: 'file' },
  'lfw-pairs': { images: 'dir', pairs: 'file' },
  'lfw-features': { features: 'file', keys: 'file', pairs: 'file' },
  'verification-bin': { bin: 'file' },
  'megaface-devkit': { probeImages: 'dir', distractorImages: 'dir', probeList: 'file', distractorLists: 'dir' },
  'ijbc-meta': { images: 'dir', faceTidMid: 'file', templatePairLabel: 'file', landmarks: 'file' },
};

const formatsOfRole: Record<DatasetRole, DatasetFormat[]> = {
  train: ['image-folder', 'recordio', 'idx', 'features'],
  lfw: ['lfw-pairs', 'lfw-features'],
  megaface: ['megaface-devkit'],
  ijbc: ['ijbc-meta'],
  // IJB-B's release has IJB-C's layout, its meta files prefixed ijbb_.
  ijbb: ['ijbc-meta'],
  'verification-bin': ['verification-bin'],
};

/** Formats whose entries hold feature rows, not images: no input size, nothing to decode, nothing to mirror. */
export const FEATURE_FORMATS: readonly DatasetFormat[] = ['features', 'lfw-features'];

/** Counts `flb datasets check` compares against what is on disk. */
export interface ExpectedCounts {
  images?: number;
  identities?: number;
  pairs?: number;
  templates?: number;
  probes?: number;
  distractors?: number;
}

export interface DatasetEntry {
  name: string;
  role: DatasetRole;
  format: DatasetFormat;
  description: string;
  /** Folder relative to the data root. */
  location: string;
  /** Each file the format needs, relative to `location`; a list names alternatives, the first existing wins. */
  files: Record<string, string[]>;
  /** Name of the recipe in `generators` that makes this dataset; absent for datasets users bring. */
  generator?: string;
  /** How a training set is fed to the backbone (images are resized to it); absent for feature sets, whose rows are the input. */
  input?: { size: number; channels: 1 | 3 };
  defaultBackbone?: string;
  expected?: ExpectedCounts;
  /** "sha256:<hex>" per file key. */
  checksums?: Record<string, string>;
  /** One line on how to obtain a dataset users bring. */
  hint?: string;
}

export interface Registry {
  datasets: DatasetEntry[];
  generators: Record<string, SyntheticRecipe>;
}

const roles = Object.keys(formatsOfRole) as DatasetRole[];
const countKeys: (keyof ExpectedCounts)[] = ['images', 'identities', 'pairs', 'templates', 'probes', 'distractors'];

const TOP_KEYS = ['$comment', 'generators', 'datasets'];
const ENTRY_KEYS = ['$comment', 'name', 'role', 'format', 'description', 'location', 'files', 'generator', 'input', 'defaultBackbone', 'expected', 'checksums', 'hint'];
const INPUT_KEYS = ['size', 'channels'];

/** Refuses a key not in `known`, suggesting the nearest known one (a misspelt key must not read as a missing one). */
function refuseUnknownKeys(obj: Record<string, unknown>, known: readonly string[], where: string): void {
  const key = firstUnknownKey(obj, known);
  if (key !== undefined) throw new UserError(`${where}.${key}: ${unknownKeyText(key, known)}`);
}

/** Validates parsed datasets.json; `file` names it in every message. */
export function parseRegistry(json: unknown, file: string): Registry {
  const top = asObject(json, file);
  const unknownTop = firstUnknownKey(top, TOP_KEYS);
  if (unknownTop !== undefined) throw new UserError(`${file}: ${unknownTop}: ${unknownKeyText(unknownTop, TOP_KEYS)}`);
  const generators: Record<string, SyntheticRecipe> = {};
  for (const [name, recipe] of Object.entries(asObject(top.generators ?? {}, `${file}: generators`))) {
    generators[name] = parseRecipe(recipe, `${file}: generators.${JSON.stringify(name)}`);
  }
  if (!Array.isArray(top.datasets)) throw new UserError(`${file}: "datasets" must be an array of dataset entries`);
  const seen = new Set<string>();
  const datasets = top.datasets.map((raw, i) => {
    const entry = parseEntry(raw, `${file}: datasets[${i}]`, generators);
    if (seen.has(entry.name)) throw new UserError(`${file}: datasets[${i}]: duplicate dataset name "${entry.name}"`);
    seen.add(entry.name);
    return entry;
  });
  return { datasets, generators };
}

function parseEntry(raw: unknown, at: string, generators: Record<string, SyntheticRecipe>): DatasetEntry {
  const obj = asObject(raw, at);
  refuseUnknownKeys(obj, ENTRY_KEYS, typeof obj.name === 'string' ? `${at} ("${obj.name}")` : at);
  const name = optionalString(obj.name, `${at}.name`);
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new UserError(`${at}.name: expected a name of letters, digits, '.', '_' or '-', got ${JSON.stringify(obj.name)}`);
  }
  const where = `${at} ("${name}")`;
  const role = obj.role as DatasetRole;
  if (!roles.includes(role)) throw new UserError(`${where}.role: expected one of ${roles.join(', ')}; got ${JSON.stringify(obj.role)}`);
  const format = obj.format as DatasetFormat;
  if (!formatsOfRole[role].includes(format)) {
    throw new UserError(`${where}.format: a ${role} dataset has format ${formatsOfRole[role].join(' or ')}; got ${JSON.stringify(obj.format)}`);
  }
  const location = optionalString(obj.location, `${where}.location`);
  if (location === undefined) throw new UserError(`${where}.location: expected a folder relative to the data root`);
  const files = parseFiles(obj.files, `${where}.files`, format);
  const entry: DatasetEntry = { name, role, format, description: optionalString(obj.description, `${where}.description`) ?? '', location, files };
  const generator = optionalString(obj.generator, `${where}.generator`);
  if (generator !== undefined) {
    if (!generators[generator]) throw new UserError(`${where}.generator: no recipe "${generator}" under "generators"`);
    entry.generator = generator;
  }
  if (obj.input !== undefined && FEATURE_FORMATS.includes(format)) {
    throw new UserError(`${where}.input: a ${format} dataset is fed its feature rows as they are; remove "input"`);
  } else if (obj.input !== undefined) {
    const input = asObject(obj.input, `${where}.input`);
    refuseUnknownKeys(input, INPUT_KEYS, `${where}.input`);
    const channels = int(input.channels, `${where}.input.channels`, 1, 3);
    if (channels === 2) throw new UserError(`${where}.input.channels: expected 1 or 3, got 2`);
    entry.input = { size: int(input.size, `${where}.input.size`, 8, 1024), channels: channels as 1 | 3 };
  } else if (role === 'train' && !FEATURE_FORMATS.includes(format)) {
    throw new UserError(`${where}.input: a training set needs {"size", "channels"}: the image size the backbone is fed`);
  }
  entry.defaultBackbone = optionalString(obj.defaultBackbone, `${where}.defaultBackbone`);
  if (obj.expected !== undefined) {
    const expected = asObject(obj.expected, `${where}.expected`);
    entry.expected = {};
    for (const [key, value] of Object.entries(expected)) {
      if (!countKeys.includes(key as keyof ExpectedCounts)) throw new UserError(`${where}.expected.${key}: unknown count; expected one of ${countKeys.join(', ')}`);
      entry.expected[key as keyof ExpectedCounts] = int(value, `${where}.expected.${key}`, 0, 1e10);
    }
  }
  if (obj.checksums !== undefined) {
    entry.checksums = {};
    for (const [key, value] of Object.entries(asObject(obj.checksums, `${where}.checksums`))) {
      if (!(key in files)) throw new UserError(`${where}.checksums.${key}: not a file key of this entry (${Object.keys(files).join(', ')})`);
      if (typeof value !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(value)) {
        throw new UserError(`${where}.checksums.${key}: expected "sha256:" followed by 64 lower-case hex digits`);
      }
      entry.checksums[key] = value;
    }
  }
  entry.hint = optionalString(obj.hint, `${where}.hint`);
  if (entry.generator === undefined && entry.hint === undefined) {
    throw new UserError(`${where}: a dataset users bring needs a "hint" saying how to obtain it`);
  }
  return entry;
}

function parseFiles(value: unknown, where: string, format: DatasetFormat): Record<string, string[]> {
  const obj = asObject(value, where);
  const files: Record<string, string[]> = {};
  for (const key of Object.keys(formatFiles[format])) {
    const raw = obj[key];
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p !== '')) {
      throw new UserError(`${where}.${key}: format ${format} needs this path (a string, or a list of alternatives)`);
    }
    files[key] = list as string[];
  }
  for (const key of Object.keys(obj)) {
    if (!(key in files)) throw new UserError(`${where}.${key}: format ${format} has no file "${key}"; it takes ${Object.keys(formatFiles[format]).join(', ')}`);
  }
  return files;
}
