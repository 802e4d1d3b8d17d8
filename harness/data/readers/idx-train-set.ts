import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../core/errors.js';
import { readIdx, type IdxArray } from '../../formats/idx.js';
import { resizeRaw, toNormalisedBatch, type ImageSpec } from '../../formats/image.js';
import type { TrainSet } from './train-set.js';

/** MNIST-style file names: `${split}-images-idx3-ubyte` and `${split}-labels-idx1-ubyte`, optionally .gz. */
export type IdxSplit = 'train' | 't10k';

function findIdxFile(dir: string, stem: string): string {
  for (const name of [stem, `${stem}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new UserError(`IDX training set ${dir}: neither ${stem} nor ${stem}.gz found`);
}

/**
 * A TrainSet over MNIST / Fashion-MNIST IDX files: uint8 images [N, H, W] and uint8 labels [N], all held in
 * memory (60,000 × 28 × 28 is 47 MB); digits are resized to the backbone's input on read.
 */
export async function openIdxTrainSet(dir: string, spec: ImageSpec, split: IdxSplit = 'train'): Promise<TrainSet> {
  const imagesPath = findIdxFile(dir, `${split}-images-idx3-ubyte`);
  const labelsPath = findIdxFile(dir, `${split}-labels-idx1-ubyte`);
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  const expect = (a: IdxArray, path: string, ndims: number, what: string) => {
    if (a.dtype !== 'uint8' || a.shape.length !== ndims) {
      throw new UserError(`${path}: expected ${what} (uint8, ${ndims}-D); got ${a.dtype} of shape [${a.shape.join(', ')}]`);
    }
  };
  expect(images, imagesPath, 3, 'images [N, height, width]');
  expect(labels, labelsPath, 1, 'labels [N]');
  const [count, height, width] = images.shape;
  if (labels.shape[0] !== count) {
    throw new UserError(`IDX images and labels disagree: ${imagesPath} has ${count} images, ${labelsPath} has ${labels.shape[0]} labels`);
  }
  const pixels = images.data as Uint8Array;
  const labelValues = labels.data as Uint8Array;
  const numClasses = labelValues.reduce((m, l) => Math.max(m, l + 1), 0);
  const [outHeight, outWidth] = spec.size;
  const checkIndex = (index: number) => {
    if (!(index >= 0 && index < count)) throw new RangeError(`image index ${index} outside 0..${count - 1}`);
  };
  return {
    name: basename(dir),
    numClasses,
    size: count,
    shape: [outHeight, outWidth, spec.channels] as const,
    labelOf(index: number): number {
      checkIndex(index);
      return labelValues[index];
    },
    async read(indices: readonly number[]): Promise<Float32Array> {
      const resized = await Promise.all(
        indices.map((index) => {
          checkIndex(index);
          const digit = pixels.subarray(index * height * width, (index + 1) * height * width);
          return resizeRaw(digit, { height, width, channels: 1 }, spec);
        }),
      );
      return toNormalisedBatch(resized, outHeight * outWidth * spec.channels);
    },
  };
}
