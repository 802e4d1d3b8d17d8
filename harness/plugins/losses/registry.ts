import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';
import type { HeadContext, LossHead, LossPlugin } from './contract.js';
import { importPlugin, loadPlugins, looksLikePath, shapeProblems, type Loaded } from '../loader.js';
import { resolveParams, type RawParams, type ResolvedParams } from '../params.js';

/** Loss plugins: every file in plugins/losses/ (dropping a file there is all it takes) plus --plugin files. */
export const BUILTIN_LOSS_DIR = fileURLToPath(new URL('../../../plugins/losses/', import.meta.url));
export type LoadedLossPlugin = Loaded<LossPlugin>;

function asLossPlugin(value: unknown, source: string): LossPlugin {
  if (!value || typeof value !== 'object') {
    throw new UserError(`${source}: the default export must be a loss plugin object (see plugins/losses/arcface.ts)`);
  }
  const problems = shapeProblems(value as Record<string, unknown>, 'createHead');
  if (problems.length) throw new UserError(`${source}: not a loss plugin, missing or invalid ${problems.join(', ')}`);
  return value as LossPlugin;
}

export function loadLossPlugins(extraPaths: readonly string[] = []): Promise<Map<string, LoadedLossPlugin>> {
  return loadPlugins('loss', BUILTIN_LOSS_DIR, extraPaths, asLossPlugin);
}

/** A plugin by name (built-in or among `extraPaths`) or by file path. */
export async function findLossPlugin(nameOrPath: string, extraPaths: readonly string[] = []): Promise<LoadedLossPlugin> {
  if (looksLikePath(nameOrPath)) return importPlugin(nameOrPath, false, asLossPlugin);
  const all = await loadLossPlugins(extraPaths);
  const entry = all.get(nameOrPath);
  if (!entry) throw new UserError(`unknown loss '${nameOrPath}'; available: ${[...all.keys()].join(', ')} (or pass --plugin FILE)`);
  return entry;
}

/** Parameter values for this plugin and class count, validated (ranges, then the plugin's own check). */
export function lossParams(plugin: LossPlugin, given: RawParams, numClasses: number): ResolvedParams {
  const params = resolveParams(`loss '${plugin.name}'`, plugin.params, given);
  const problem = plugin.validate?.({ numClasses, params: params as never });
  if (problem) throw new UserError(problem);
  return params;
}

export function createLossHead(
  plugin: LossPlugin,
  given: RawParams,
  ctx: Omit<HeadContext, 'params'>,
): { head: LossHead; params: ResolvedParams } {
  const params = lossParams(plugin, given, ctx.numClasses);
  return { head: plugin.createHead({ ...ctx, params: params as never }), params };
}
