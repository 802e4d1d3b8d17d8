import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../core/errors.js';
import { pluginLoadError } from './load-error.js';
import { resolveSharedImportsFromHere } from './resolution.js';

/**
 * Loads plugin files — the built-in folder plus user files given with --plugin — and checks each default
 * export with `check`. Shared by loss and backbone plugins.
 */
export interface Loaded<T> {
  plugin: T;
  /** Absolute path of the file. */
  source: string;
  builtin: boolean;
}

export type PluginCheck<T> = (value: unknown, source: string) => T;

export function isPluginFile(name: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') && !name.startsWith('_') && !name.startsWith('.');
}

export async function importPlugin<T>(path: string, builtin: boolean, check: PluginCheck<T>): Promise<Loaded<T>> {
  const file = isAbsolute(path) ? path : resolve(path);
  if (!existsSync(file)) throw new UserError(`plugin file not found: ${file}`);
  if (!builtin) resolveSharedImportsFromHere();
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    throw pluginLoadError(file, e);
  }
  return { plugin: check(mod.default, file), source: file, builtin };
}

/** Every plugin of a folder plus `extraPaths`, by name; a name used twice is an error naming both files. */
export async function loadPlugins<T extends { name: string }>(
  kind: string,
  builtinDir: string,
  extraPaths: readonly string[],
  check: PluginCheck<T>,
): Promise<Map<string, Loaded<T>>> {
  const files = readdirSync(builtinDir).filter(isPluginFile).sort();
  const loaded = [
    ...(await Promise.all(files.map((f) => importPlugin(join(builtinDir, f), true, check)))),
    ...(await Promise.all(extraPaths.map((p) => importPlugin(p, false, check)))),
  ];
  const found = new Map<string, Loaded<T>>();
  for (const entry of loaded) {
    const previous = found.get(entry.plugin.name);
    if (previous) throw new UserError(`two ${kind} plugins are named '${entry.plugin.name}': ${previous.source} and ${entry.source}`);
    found.set(entry.plugin.name, entry);
  }
  return found;
}

/** True when the argument names a file rather than a plugin id. */
export function looksLikePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.(ts|mts|js|mjs)$/.test(nameOrPath);
}

/** Common shape checks: a lower-case id, a title, a params object and the named factory function. */
export function shapeProblems(p: Record<string, unknown>, factory: string): string[] {
  const problems: string[] = [];
  if (typeof p.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(p.name)) problems.push("'name' (lower-case id like 'my-loss')");
  if (typeof p.title !== 'string' || !p.title) problems.push("'title' (display name)");
  if (!p.params || typeof p.params !== 'object') problems.push("'params' (an object, {} if none)");
  if (typeof p[factory] !== 'function') problems.push(`'${factory}' (a function)`);
  return problems;
}
