import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { IMAGE_EXTENSIONS, toNormalisedBatch, type ImageSpec } from '../../formats/image.js';
import { decodeImageCached } from '../image-cache.js';
import type { TrainSet } from './train-set.js';

/** One image of an image folder: its path relative to the root (Identity/file.jpg) and its class. */
export interface ImageFolderEntry {
  key: string;
  label: number;
}

export interface ImageFolderListing {
  /** Sub-folder names, sorted; the class label is the index here. */
  classes: string[];
  /** Images in class order, sorted by file name within a class. */
  images: ImageFolderEntry[];
}

// Plain code-unit order, not localeCompare: labels must not depend on the machine's locale.
export const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function isImageFile(name: string): boolean {
  return !name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

/**
 * Lists the one-sub-folder-per-identity layout of CASIA-WebFace and VGGFace2. Loose files at the root are
 * ignored (list files, READMEs); an identity folder without images is an error, as in torchvision.
 */
export function listImageFolder(dir: string): ImageFolderListing {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`image folder not found: ${dir}`);
    if (code === 'ENOTDIR') throw new UserError(`${dir}: is a file; expected a folder with one sub-folder per identity`);
    throw e;
  }
  const classes = entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && statSync(join(dir, e.name)).isDirectory())))
    .map((e) => e.name)
    .sort(byCodeUnit);
  if (classes.length === 0) throw new UserError(`${dir}: no identity sub-folders; expected the layout ${dir}/<identity>/<image>.jpg`);
  const images: ImageFolderEntry[] = [];
  classes.forEach((name, label) => {
    const files = readdirSync(join(dir, name)).filter(isImageFile).sort(byCodeUnit);
    if (files.length === 0) {
      throw new UserError(`${join(dir, name)}: identity folder has no images (${[...IMAGE_EXTENSIONS].join(' ')})`);
    }
    for (const file of files) images.push({ key: `${name}/${file}`, label });
  });
  return { classes, images };
}

/**
 * A TrainSet over an image folder; images are decoded once and kept (data/image-cache.ts). `exclude` names images
 * (keys) left out, e.g. files that cannot be decoded; the class labels stay those of the full listing.
 */
export async function openImageFolder(dir: string, spec: ImageSpec, listing: ImageFolderListing = listImageFolder(dir), exclude: ReadonlySet<string> = new Set()): Promise<TrainSet & ImageFolderListing> {
  const classes = listing.classes;
  const images = exclude.size === 0 ? listing.images : listing.images.filter((e) => !exclude.has(e.key));
  const [height, width] = spec.size;
  const pixelsPerImage = height * width * spec.channels;
  return {
    name: basename(dir),
    numClasses: classes.length,
    size: images.length,
    shape: [height, width, spec.channels] as const,
    classes,
    classNames: classes,
    images,
    labelOf(index: number): number {
      const entry = images[index];
      if (!entry) throw new RangeError(`image index ${index} outside 0..${images.length - 1}`);
      return entry.label;
    },
    async read(indices: readonly number[]): Promise<Float32Array> {
      const decoded = await Promise.all(
        indices.map((i) => {
          const entry = images[i];
          if (!entry) throw new RangeError(`image index ${i} outside 0..${images.length - 1}`);
          return decodeImageCached(join(dir, entry.key), spec);
        }),
      );
      return toNormalisedBatch(decoded, pixelsPerImage);
    },
  };
}
