import { findBackbonePlugin, type LoadedBackbonePlugin } from '../plugins/backbones/registry.js';
import { datasetStatus, getDataset, missingFiles, resolveDataset, type DatasetEntry, type RegistryOptions } from '../data/registry/registry.js';
import { FEATURE_FORMATS } from '../data/registry/schema.js';
import { UserError } from '../core/errors.js';
import { resultName } from '../evaluation/evaluate-run.js';
import { lossParams, loadLossPlugins, type LoadedLossPlugin } from '../plugins/losses/registry.js';
import { resolveParams, type ResolvedParams } from '../plugins/params.js';
import { defineRun } from '../training/define-run.js';
import type { RunDefinition } from '../run-store/run-definition.js';
import { protocolOfRole } from './protocol-metrics.js';
import { planFolds, type PlannedFolds } from './plan-folds.js';
import type { PlannedDataset, PlannedEvaluation } from './planned-dataset.js';
import type { LossEntry, ParamValue, SweepConfig } from './sweep-config.js';

/**
 * A sweep config checked against the registries and expanded into runs: every loss, parameter and dataset is
 * resolved here, before anything runs, so a typo fails in a second and not after an hour of training.
 */
export interface SweepVariant {
  /** Unique display label, e.g. 'ArcFace (m=0.3)'. */
  label: string;
  /** Index of the config's `losses` entry it comes from (a queued run's worker plans that entry alone). */
  entry: number;
  loss: LoadedLossPlugin;
  /** The parameters the config gives this variant (the leaderboard shows them; defaults fill the rest). */
  params: Record<string, ParamValue>;
  /** All parameter values after defaults. */
  resolved: ResolvedParams;
}

export interface PlannedRun {
  /** Directory name in the sweep folder: `<loss>-<hash of the definition>`. */
  id: string;
  variant: SweepVariant;
  seed: number;
  /** The 1-based test fold this run is trained without and scored on (cross-validation sweeps only). */
  fold?: number;
  definition: RunDefinition;
}

export type { PlannedFolds } from './plan-folds.js';

export type { PlannedDataset, PlannedEvaluation } from './planned-dataset.js';

export interface SweepPlan {
  config: SweepConfig;
  backbone: LoadedBackbonePlugin;
  backboneParams: Record<string, ParamValue>;
  trainSet: PlannedDataset;
  evaluate: PlannedEvaluation[];
  variants: SweepVariant[];
  folds: PlannedFolds | null;
  /** Variant by variant; within each, test folds in config order, and seeds in config order within a fold. */
  runs: PlannedRun[];
}

export async function planSweep(config: SweepConfig, registry: RegistryOptions = {}): Promise<SweepPlan> {
  const where = (key: string) => `${config.file}: ${key}`;
  const rethrow = (key: string) => (e: unknown): never => {
    if (e instanceof UserError) throw new UserError(`${where(key)}: ${e.message}`, e.exitCode);
    throw e;
  };

  const trainEntry = datasetAt(config.dataset, registry, rethrow('train.dataset'));
  if (trainEntry.role !== 'train') {
    throw new UserError(`${where('train.dataset')}: "${trainEntry.name}" is a ${trainEntry.role} set, not a training set`);
  }
  const evaluate = config.evaluate.map((name, i): PlannedEvaluation => {
    const entry = datasetAt(name, registry, rethrow(`evaluate[${i}]`));
    const protocol = protocolOfRole(entry.role);
    if (!protocol) throw new UserError(`${where(`evaluate[${i}]`)}: "${name}" is a ${entry.role} set; expected an lfw, megaface, ijbc, ijbb or verification-bin set`);
    const file = resultName(entry.role, entry.name);
    return { ...datasetState(entry, registry), protocol, resultName: file, metricPrefix: file };
  });
  for (const [i, d] of evaluate.entries()) {
    const first = evaluate.findIndex((o) => o.resultName === d.resultName);
    if (first !== i) {
      // A run keeps one eval/<protocol>.json, so two sets of one protocol would overwrite each other.
      throw new UserError(`${where(`evaluate[${i}]`)}: "${d.entry.name}" and "${evaluate[first]!.entry.name}" are both ${d.protocol} sets; a sweep evaluates one dataset per protocol`);
    }
  }

  const backboneName = config.backbone?.name ?? trainEntry.defaultBackbone ?? 'mlp';
  const backboneParams = config.backbone?.params ?? {};
  const backbone = await findBackbonePlugin(backboneName).catch(rethrow('train.backbone'));
  try {
    resolveParams(`backbone '${backboneName}'`, backbone.plugin.params, backboneParams);
  } catch (e) {
    rethrow('train.backbone.params')(e);
  }

  if (config.embedding.flip) {
    const rows = evaluate.find((d) => FEATURE_FORMATS.includes(d.entry.format));
    if (rows) throw new UserError(`${where('embedding.flip')}: "${rows.entry.name}" holds feature rows, not images, so there is nothing to mirror; set "embedding": {"flip": false}`);
  }
  const folds = config.folds ? planFolds(config.folds, trainEntry, evaluate, registry, where) : null;

  const images = trainEntry.expected?.images;
  if (images !== undefined && config.train.batchSize > images) {
    throw new UserError(`${where('train.batchSize')}: ${config.train.batchSize} is larger than ${trainEntry.name} (${images} images)`);
  }

  const plugins = await loadLossPlugins(config.plugins).catch(rethrow('plugins'));
  const numClasses = trainEntry.expected?.identities;
  const variants = config.losses.flatMap((entry, i) => expandVariants(entry, i, plugins, numClasses, rethrow));
  for (const [i, v] of variants.entries()) {
    if (variants.findIndex((o) => o.label === v.label) !== i) {
      throw new UserError(`${where('losses')}: two variants are both labelled "${v.label}"; give one a different "label" or different parameters`);
    }
  }

  const testFolds: Array<number | undefined> = folds ? folds.test : [undefined];
  const runs = variants.flatMap((variant) =>
    testFolds.flatMap((fold) =>
      config.seeds.map((seed): PlannedRun => {
        const { id, definition } = defineRun({
          loss: variant.loss,
          lossParams: variant.params,
          backbone,
          backboneParams,
          dataset: trainEntry.name,
          ...(fold === undefined ? {} : { holdout: { dataset: folds!.dataset, fold } }),
          train: { ...config.train, seed },
          numClasses,
        });
        return { id, variant, seed, fold, definition };
      }),
    ),
  );
  return { config, backbone, backboneParams, trainSet: datasetState(trainEntry, registry), evaluate, variants, folds, runs };
}

/** How logs name a run: its variant, seed and (in a cross-validation sweep) test fold. */
export function runLabel(run: PlannedRun): string {
  return `${run.variant.label}, ${run.fold === undefined ? '' : `fold ${run.fold}, `}seed ${run.seed}`;
}

function datasetAt(name: string, registry: RegistryOptions, rethrow: (e: unknown) => never): DatasetEntry {
  try {
    return getDataset(name, registry);
  } catch (e) {
    return rethrow(e);
  }
}

function datasetState(entry: DatasetEntry, registry: RegistryOptions): PlannedDataset {
  const resolved = resolveDataset(entry.name, registry);
  const status = datasetStatus(resolved);
  return { entry, status, missing: status === 'missing' ? missingFiles(resolved) : [] };
}

/** One variant per combination of the list-valued parameters, in the order the config writes them. */
function expandVariants(
  entry: LossEntry,
  index: number,
  plugins: Map<string, LoadedLossPlugin>,
  numClasses: number | undefined,
  rethrow: (key: string) => (e: unknown) => never,
): SweepVariant[] {
  const key = `losses[${index}]`;
  const loss = plugins.get(entry.loss);
  if (!loss) {
    return rethrow(`${key}.loss`)(new UserError(`unknown loss '${entry.loss}'; available: ${[...plugins.keys()].join(', ')} (or list a plugin file under "plugins")`));
  }
  let combinations: Array<Record<string, ParamValue>> = [{}];
  for (const [name, value] of Object.entries(entry.params)) {
    const values = Array.isArray(value) ? value : [value];
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  const axes = Object.keys(entry.params).filter((k) => Array.isArray(entry.params[k]));
  return combinations.map((params) => {
    let resolved: ResolvedParams;
    try {
      // The class count decides some checks (AdaCos needs C ≥ 3); unknown for a dataset that does not say it.
      resolved = numClasses === undefined
        ? resolveParams(`loss '${loss.plugin.name}'`, loss.plugin.params, params)
        : lossParams(loss.plugin, params, numClasses);
    } catch (e) {
      return rethrow(`${key} (${entry.loss} ${JSON.stringify(params)})`)(e);
    }
    return { label: variantLabel(entry, loss.plugin.title, params, axes), entry: index, loss, params, resolved };
  });
}

/** The title (or the given label) plus the parameter values that set the variant apart. */
function variantLabel(entry: LossEntry, title: string, params: Record<string, ParamValue>, axes: string[]): string {
  const shown = entry.label === undefined ? Object.keys(params) : axes;
  const base = entry.label ?? title;
  if (shown.length === 0) return base;
  return `${base} (${shown.map((k) => `${k}=${params[k]}`).join(', ')})`;
}
