import { basename, dirname, extname, resolve } from 'node:path';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/backend-names.js';
import { UserError } from '../core/errors.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../run-store/train-settings.js';
import { readJsonFile } from '../core/read-file.js';
import { firstUnknownKey, unknownKeyText } from '../core/suggest.js';

/**
 * A study config (sweeps/NAME.json): losses (each with optional parameter variants) × seeds × one set of
 * training settings shared by every loss, plus the protocol datasets every run is evaluated on. This module
 * checks the file's shape only; planSweep checks names and values against the registries.
 */
export type ParamValue = number | boolean | null;

export interface LossEntry {
  /** Loss plugin name (built-in, or from a file listed under `plugins`). */
  loss: string;
  /** A value given as a list is a variant axis: every combination of the lists is one variant. */
  params: Record<string, ParamValue | ParamValue[]>;
  /** Display label instead of the plugin's title (parameter values are appended when there are several variants). */
  label?: string;
}

export interface FoldsConfig {
  /** The lfw-role dataset (also listed under `evaluate`) whose pairs.txt defines the folds. */
  dataset: string;
  /** 1-based test folds, or every fold of the pairs file. */
  test: number[] | 'all';
}

export type SweepTrainSettings = Omit<TrainSettings, 'seed'>;

export interface SweepConfig {
  /** The sweep's name: runs go to runs/<name>/. Defaults to the config file's base name. */
  name: string;
  description?: string;
  /** Absolute path of the config file (relative paths inside it resolve against its folder). */
  file: string;
  /** The config exactly as written, kept in the leaderboard for provenance. */
  raw: unknown;
  dataset: string;
  /** Absent: the training dataset's default backbone (datasets.json), else mlp. */
  backbone?: { name: string; params: Record<string, ParamValue> };
  train: SweepTrainSettings;
  seeds: number[];
  losses: LossEntry[];
  /** Protocol datasets (roles lfw, megaface, ijbc, ijbb, verification-bin), evaluated in this order. */
  evaluate: string[];
  /**
   * Cross-validation over an lfw set's folds: every listed test fold k is one run per loss variant and seed,
   * trained only on the identities of the other folds and scored on fold k of that set.
   */
  folds?: FoldsConfig;
  embedding: { flip: boolean; batchSize: number };
  backend: BackendChoice;
  /** Extra loss plugin files, absolute. */
  plugins: string[];
}

const TOP_KEYS = ['$comment', 'name', 'description', 'train', 'seeds', 'folds', 'losses', 'evaluate', 'embedding', 'backend', 'plugins'];
const TRAIN_KEYS = ['dataset', 'backbone', ...Object.keys(DEFAULT_TRAIN_SETTINGS).filter((k) => k !== 'seed')];

/** Reads and shape-checks a sweep config; every error names the file and the key. */
export function readSweepConfig(path: string): SweepConfig {
  const file = resolve(path);
  return parseSweepConfig(readJsonFile(file, 'sweep config'), file);
}

export function parseSweepConfig(json: unknown, file: string): SweepConfig {
  const fail = (key: string, what: string): never => {
    throw new UserError(`${file}: ${key}: ${what}`);
  };
  const top = objectAt(json, 'the config', fail);
  unknownKeys(top, TOP_KEYS, '', fail);
  const train = objectAt(top.train, 'train', fail);
  unknownKeys(train, TRAIN_KEYS, 'train.', fail);

  const name = top.name === undefined ? basename(file, extname(file)) : stringAt(top.name, 'name', fail);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) fail('name', `'${name}' must be a folder name (letters, digits, . _ -)`);

  return {
    name,
    description: top.description === undefined ? undefined : stringAt(top.description, 'description', fail),
    file,
    raw: json,
    dataset: stringAt(train.dataset, 'train.dataset', fail),
    backbone: backboneAt(train.backbone, fail),
    train: trainSettingsAt(train, fail),
    seeds: seedsAt(top.seeds, fail),
    losses: lossesAt(top.losses, fail),
    evaluate: evaluateAt(top.evaluate, fail),
    folds: foldsAt(top.folds, fail),
    embedding: embeddingAt(top.embedding, fail),
    backend: backendAt(top.backend, fail),
    plugins: pluginsAt(top.plugins, dirname(file), fail),
  };
}

type Fail = (key: string, what: string) => never;

function objectAt(value: unknown, key: string, fail: Fail): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(key, 'expected a JSON object');
  return value as Record<string, unknown>;
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string, fail: Fail): void {
  const key = firstUnknownKey(obj, allowed);
  if (key !== undefined) fail(`${prefix}${key}`, unknownKeyText(key, allowed));
}

function stringAt(value: unknown, key: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(key, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value as string;
}

function numberAt(value: unknown, key: string, fail: Fail, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const { min = -Infinity, max = Infinity, integer = false } = opts;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const range = `${Number.isFinite(min) ? min : '-∞'} … ${Number.isFinite(max) ? max : '∞'}`;
    fail(key, `expected ${integer ? 'a whole number' : 'a number'} in ${range}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

function backboneAt(value: unknown, fail: Fail): SweepConfig['backbone'] {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { name: stringAt(value, 'train.backbone', fail), params: {} };
  const obj = objectAt(value, 'train.backbone', fail);
  unknownKeys(obj, ['name', 'params'], 'train.backbone.', fail);
  const params = obj.params === undefined ? {} : objectAt(obj.params, 'train.backbone.params', fail);
  for (const [k, v] of Object.entries(params)) {
    if (!isParamValue(v)) fail(`train.backbone.params.${k}`, `expected a number, true/false or null, got ${JSON.stringify(v)}`);
  }
  return { name: stringAt(obj.name, 'train.backbone.name', fail), params: params as Record<string, ParamValue> };
}

function trainSettingsAt(train: Record<string, unknown>, fail: Fail): SweepTrainSettings {
  const { seed: _seed, ...d } = DEFAULT_TRAIN_SETTINGS;
  const num = (key: keyof SweepTrainSettings, opts: Parameters<typeof numberAt>[3]) =>
    train[key] === undefined ? (d[key] as number) : numberAt(train[key], `train.${key}`, fail, opts);
  const schedule = train.schedule ?? d.schedule;
  if (schedule !== 'step' && schedule !== 'cosine' && schedule !== 'constant') {
    fail('train.schedule', `expected "step", "cosine" or "constant", got ${JSON.stringify(schedule)}`);
  }
  const milestones = train.milestones ?? d.milestones;
  if (!Array.isArray(milestones)) fail('train.milestones', 'expected a list of fractions of the steps, e.g. [0.5, 0.75]');
  (milestones as unknown[]).forEach((m, i) => numberAt(m, `train.milestones[${i}]`, fail, { min: 0, max: 1 }));
  const flip = train.flip ?? d.flip;
  if (typeof flip !== 'boolean') fail('train.flip', `expected true or false, got ${JSON.stringify(flip)}`);
  return {
    steps: num('steps', { min: 1, integer: true }),
    batchSize: num('batchSize', { min: 1, integer: true }),
    lr: num('lr', { min: 0 }),
    momentum: num('momentum', { min: 0, max: 1 }),
    weightDecay: num('weightDecay', { min: 0 }),
    schedule: schedule as SweepTrainSettings['schedule'],
    warmupSteps: num('warmupSteps', { min: 0, integer: true }),
    milestones: milestones as number[],
    decayFactor: num('decayFactor', { min: 0 }),
    flip: flip as boolean,
    embeddingDim: num('embeddingDim', { min: 1, integer: true }),
    logEvery: num('logEvery', { min: 1, integer: true }),
    checkpointEvery: num('checkpointEvery', { min: 1, integer: true }),
  };
}

function seedsAt(value: unknown, fail: Fail): number[] {
  if (value === undefined) return [1];
  if (!Array.isArray(value) || value.length === 0) fail('seeds', 'expected a non-empty list of whole numbers, e.g. [1, 2, 3]');
  const seeds = (value as unknown[]).map((s, i) => numberAt(s, `seeds[${i}]`, fail, { min: 0, integer: true }));
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (dup !== undefined) fail('seeds', `seed ${dup} is listed twice`);
  return seeds;
}

function foldsAt(value: unknown, fail: Fail): FoldsConfig | undefined {
  if (value === undefined) return undefined;
  const obj = objectAt(value, 'folds', fail);
  unknownKeys(obj, ['dataset', 'test'], 'folds.', fail);
  const dataset = stringAt(obj.dataset, 'folds.dataset', fail);
  const test = obj.test ?? 'all';
  if (test === 'all') return { dataset, test };
  if (!Array.isArray(test) || test.length === 0) fail('folds.test', `expected "all" or a non-empty list of 1-based fold numbers, e.g. [1, 2, 3]; got ${JSON.stringify(test)}`);
  const folds = (test as unknown[]).map((f, i) => numberAt(f, `folds.test[${i}]`, fail, { min: 1, integer: true }));
  const dup = folds.find((f, i) => folds.indexOf(f) !== i);
  if (dup !== undefined) fail('folds.test', `fold ${dup} is listed twice`);
  return { dataset, test: folds };
}

function isParamValue(v: unknown): v is ParamValue {
  return v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function lossesAt(value: unknown, fail: Fail): LossEntry[] {
  if (!Array.isArray(value) || value.length === 0) fail('losses', 'expected a non-empty list of loss names or {"loss": NAME, "params": {...}} objects');
  return (value as unknown[]).map((item, i) => {
    const key = `losses[${i}]`;
    if (typeof item === 'string') return { loss: stringAt(item, key, fail), params: {} };
    const obj = objectAt(item, key, fail);
    unknownKeys(obj, ['loss', 'params', 'label'], `${key}.`, fail);
    const params = obj.params === undefined ? {} : objectAt(obj.params, `${key}.params`, fail);
    for (const [k, v] of Object.entries(params)) {
      const values = Array.isArray(v) ? v : [v];
      if (Array.isArray(v) && v.length === 0) fail(`${key}.params.${k}`, 'an empty list of values gives no variant');
      if (!values.every(isParamValue)) fail(`${key}.params.${k}`, `expected a number, true/false, null or a list of them, got ${JSON.stringify(v)}`);
    }
    return {
      loss: stringAt(obj.loss, `${key}.loss`, fail),
      params: params as LossEntry['params'],
      label: obj.label === undefined ? undefined : stringAt(obj.label, `${key}.label`, fail),
    };
  });
}

function evaluateAt(value: unknown, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('evaluate', 'expected a list of protocol dataset names, e.g. ["lfw", "megaface", "ijbc"]');
  const names = (value as unknown[]).map((v, i) => stringAt(v, `evaluate[${i}]`, fail));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail('evaluate', `dataset "${dup}" is listed twice`);
  return names;
}

function embeddingAt(value: unknown, fail: Fail): SweepConfig['embedding'] {
  const obj = value === undefined ? {} : objectAt(value, 'embedding', fail);
  unknownKeys(obj, ['flip', 'batchSize'], 'embedding.', fail);
  const flip = obj.flip ?? true;
  if (typeof flip !== 'boolean') fail('embedding.flip', `expected true or false, got ${JSON.stringify(flip)}`);
  const batchSize = obj.batchSize === undefined ? 256 : numberAt(obj.batchSize, 'embedding.batchSize', fail, { min: 1, integer: true });
  return { flip: flip as boolean, batchSize };
}

function backendAt(value: unknown, fail: Fail): BackendChoice {
  if (value === undefined) return 'auto';
  if (!(BACKEND_CHOICES as readonly unknown[]).includes(value)) fail('backend', `expected one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(value)}`);
  return value as BackendChoice;
}

function pluginsAt(value: unknown, base: string, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('plugins', 'expected a list of loss plugin files (relative to the config file)');
  return (value as unknown[]).map((p, i) => resolve(base, stringAt(p, `plugins[${i}]`, fail)));
}
