// Module resolution hook for plugins that live outside this repository (`--plugin /some/where/my-loss.ts`):
// their imports of 'facelossbench/...' and '@tensorflow/tfjs...' resolve to this installation's copies, so a
// plugin file works wherever it is and shares our tfjs engine (a second tfjs copy would own other tensors).
const packageRoot = new URL('../../', import.meta.url);
const shared = /^(facelossbench|@tensorflow\/tfjs(-[a-z-]+)?)(\/|$)/;

export async function resolve(specifier, context, nextResolve) {
  if (shared.test(specifier) && context.parentURL && !context.parentURL.startsWith(packageRoot.href)) {
    return nextResolve(specifier, { ...context, parentURL: new URL('package.json', packageRoot).href });
  }
  return nextResolve(specifier, context);
}
