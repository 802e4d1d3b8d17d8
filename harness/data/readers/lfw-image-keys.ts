import { lfwPairKeys, readLfwPairs } from '../../formats/lfw-pairs.js';
import { listImageFolder } from './image-folder.js';

export { LFW_IMAGE_SELECTIONS, parseLfwImageSelection, type LfwImageSelection } from './lfw-image-selection.js';
import type { LfwImageSelection } from './lfw-image-selection.js';

/**
 * Image keys (Name/Name_0001.jpg, relative to the images folder): the pairs' images in order of first appearance,
 * then, for `all`, every other image of the folder in its sorted listing order.
 */
export function lfwImageKeys(paths: { images: string; pairs: string }, which: LfwImageSelection): string[] {
  const keys = lfwPairKeys(readLfwPairs(paths.pairs));
  if (which === 'pairs') return keys;
  const named = new Set(keys);
  return [...keys, ...listImageFolder(paths.images).images.map((e) => e.key).filter((k) => !named.has(k))];
}
