import { readTextFile } from '../harness/core/read-file.js';

/**
 * insightface's MegaFace noise lists: one image per line after a '#' header. FaceScrub entries are bare file
 * names (Aaron_Eckhart_136.png) while the probe list holds Name/Name_136.png; MegaFace entries hold the
 * last three path components. So an entry names every list path equal to it or ending in "/" + it.
 */
export function readNoiseList(path: string): string[] {
  return readTextFile(path, 'noise list')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Indices of `paths` that some noise entry names. */
export function noisyIndices(paths: readonly string[], noise: readonly string[]): Set<number> {
  const entries = new Set(noise);
  const out = new Set<number>();
  paths.forEach((path, i) => {
    if (pathSuffixes(path).some((suffix) => entries.has(suffix))) out.add(i);
  });
  return out;
}

/** "a/b/c.jpg" → ["a/b/c.jpg", "b/c.jpg", "c.jpg"]. */
function pathSuffixes(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(i).join('/'));
}
