import { existsSync, readdirSync } from 'node:fs';
import { register } from 'node:module';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UserError } from './errors.js';
import type { HeadContext, LoadedLossPlugin, LossHead, LossPlugin } from './loss-plugin.js';
import { resolveParams, type RawParams, type ResolvedParams } from './plugin-params.js';

/**
 * Finds loss plugins: every file in plugins/losses/ plus the files named with --plugin. Dropping a file into
 * that folder is all it takes to add a loss.
 */
export const BUILTIN_LOSS_DIR = fileURLToPath(new URL('../plugins/losses/', import.meta.url));

let hooksRegistered = false;
function registerExternalPluginResolution(): void {
  if (hooksRegistered) return;
  register(new URL('./plugin-resolution-hooks.mjs', import.meta.url));
  hooksRegistered = true;
}

function isPluginFile(name: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') && !name.startsWith('_') && !name.startsWith('.');
}

/** Checks the default export has the shape of a LossPlugin; the message names the file and what is missing. */
function asLossPlugin(value: unknown, source: string): LossPlugin {
  const p = value as Partial<LossPlugin> | undefined;
  const problems: string[] = [];
  if (!p || typeof p !== 'object') throw new UserError(`${source}: the default export must be a loss plugin object (see plugins/losses/arcface.ts)`);
  if (typeof p.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(p.name)) problems.push("'name' (lower-case id like 'my-loss')");
  if (typeof p.title !== 'string' || !p.title) problems.push("'title' (display name)");
  if (!p.params || typeof p.params !== 'object') problems.push("'params' (an object, {} if none)");
  if (typeof p.createHead !== 'function') problems.push("'createHead' (a function)");
  if (problems.length) throw new UserError(`${source}: not a loss plugin, missing or invalid ${problems.join(', ')}`);
  return p as LossPlugin;
}

export async function importLossPlugin(path: string, builtin: boolean): Promise<LoadedLossPlugin> {
  const file = isAbsolute(path) ? path : resolve(path);
  if (!existsSync(file)) throw new UserError(`plugin file not found: ${file}`);
  if (!builtin) registerExternalPluginResolution();
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw new UserError(`${file}: could not be loaded: ${(e as Error).message.split('\n')[0]}`);
  }
  return { plugin: asLossPlugin(mod.default, file), source: file, builtin };
}

/** All loss plugins: built-in ones, then `extraPaths`; a name used twice is an error naming both files. */
export async function loadLossPlugins(extraPaths: readonly string[] = []): Promise<Map<string, LoadedLossPlugin>> {
  const found = new Map<string, LoadedLossPlugin>();
  const builtinFiles = readdirSync(BUILTIN_LOSS_DIR).filter(isPluginFile).sort();
  const loaded = [
    ...(await Promise.all(builtinFiles.map((f) => importLossPlugin(join(BUILTIN_LOSS_DIR, f), true)))),
    ...(await Promise.all(extraPaths.map((p) => importLossPlugin(p, false)))),
  ];
  for (const entry of loaded) {
    const previous = found.get(entry.plugin.name);
    if (previous) {
      throw new UserError(`two loss plugins are named '${entry.plugin.name}': ${previous.source} and ${entry.source}`);
    }
    found.set(entry.plugin.name, entry);
  }
  return found;
}

/** A plugin by name (built-in or among `extraPaths`) or by file path. */
export async function findLossPlugin(nameOrPath: string, extraPaths: readonly string[] = []): Promise<LoadedLossPlugin> {
  if (/[\\/]/.test(nameOrPath) || extname(nameOrPath) !== '') return importLossPlugin(nameOrPath, false);
  const all = await loadLossPlugins(extraPaths);
  const entry = all.get(nameOrPath);
  if (!entry) {
    throw new UserError(`unknown loss '${nameOrPath}'; available: ${[...all.keys()].join(', ')} (or pass --plugin FILE)`);
  }
  return entry;
}

/** Parameter values for this plugin and class count, validated (ranges, then the plugin's own check). */
export function lossParams(plugin: LossPlugin, given: RawParams, numClasses: number): ResolvedParams {
  const params = resolveParams(`loss '${plugin.name}'`, plugin.params, given);
  const problem = plugin.validate?.({ numClasses, params: params as never });
  if (problem) throw new UserError(problem);
  return params;
}

/** Validates the parameters and creates the head. */
export function createLossHead(
  plugin: LossPlugin,
  given: RawParams,
  ctx: Omit<HeadContext, 'params'>,
): { head: LossHead; params: ResolvedParams } {
  const params = lossParams(plugin, given, ctx.numClasses);
  return { head: plugin.createHead({ ...ctx, params: params as never }), params };
}

export function pluginLabel(entry: LoadedLossPlugin): string {
  return entry.builtin ? entry.plugin.name : `${entry.plugin.name} (${basename(entry.source)})`;
}
