import type * as tf from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import type { BackboneContext, BackbonePlugin } from './contract.js';
import { UserError } from '../../core/errors.js';
import { importPlugin, loadPlugins, looksLikePath, shapeProblems, type Loaded } from '../loader.js';
import { resolveParams, type RawParams, type ResolvedParams } from '../params.js';

/** Backbone plugins: every file in plugins/backbones/ plus files given with --backbone-plugin. */
export const BUILTIN_BACKBONE_DIR = fileURLToPath(new URL('../../../plugins/backbones/', import.meta.url));
export type LoadedBackbonePlugin = Loaded<BackbonePlugin>;

function asBackbonePlugin(value: unknown, source: string): BackbonePlugin {
  if (!value || typeof value !== 'object') {
    throw new UserError(`${source}: the default export must be a backbone plugin object (see plugins/backbones/mlp.ts)`);
  }
  const problems = shapeProblems(value as Record<string, unknown>, 'create');
  if (problems.length) throw new UserError(`${source}: not a backbone plugin, missing or invalid ${problems.join(', ')}`);
  return value as BackbonePlugin;
}

export function loadBackbonePlugins(extraPaths: readonly string[] = []): Promise<Map<string, LoadedBackbonePlugin>> {
  return loadPlugins('backbone', BUILTIN_BACKBONE_DIR, extraPaths, asBackbonePlugin);
}

export async function findBackbonePlugin(nameOrPath: string, extraPaths: readonly string[] = []): Promise<LoadedBackbonePlugin> {
  if (looksLikePath(nameOrPath)) return importPlugin(nameOrPath, false, asBackbonePlugin);
  const all = await loadBackbonePlugins(extraPaths);
  const entry = all.get(nameOrPath);
  if (!entry) throw new UserError(`unknown backbone '${nameOrPath}'; available: ${[...all.keys()].join(', ')}`);
  return entry;
}

export function createBackbone(
  plugin: BackbonePlugin,
  given: RawParams,
  ctx: Omit<BackboneContext<unknown>, 'params'>,
): { model: tf.LayersModel; params: ResolvedParams } {
  const params = resolveParams(`backbone '${plugin.name}'`, plugin.params, given);
  const problem = plugin.validate?.(params as never);
  if (problem) throw new UserError(`backbone '${plugin.name}': ${problem}`);
  return { model: plugin.create({ ...ctx, params: params as never }), params };
}
