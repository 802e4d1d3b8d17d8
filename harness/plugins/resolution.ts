import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Plugins may live anywhere (`--plugin /some/where/my-loss.ts`). Their imports of 'facelossbench/...' and
 * '@tensorflow/tfjs...' must resolve to this installation — a second copy of tfjs would own other tensors and
 * another engine. tsx loads a .ts file outside an ESM package as CommonJS and a .mts file as ESM, so both
 * resolvers are redirected: ESM through a module hook, CommonJS through Module._resolveFilename.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = /^(facelossbench|@tensorflow\/tfjs(-[a-z-]+)?)(\/|$)/;

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

let installed = false;

export function resolveSharedImportsFromHere(): void {
  if (installed) return;
  installed = true;
  register(new URL('./resolution-hooks.mjs', import.meta.url));
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  // A module object standing for a file at the package root, so Node searches our node_modules.
  const anchor = { filename: `${PACKAGE_ROOT}package.json`, paths: (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(PACKAGE_ROOT) };
  internals._resolveFilename = function (request, parent, ...rest) {
    if (SHARED.test(request) && parent?.filename && !parent.filename.startsWith(PACKAGE_ROOT)) {
      return original.call(this, request, anchor, ...rest);
    }
    return original.call(this, request, parent, ...rest);
  };
}
