/**
 * A labelled training set as the training loop sees it: images already decoded, resized to the backbone's
 * input and normalised (or, for a feature set, its rows as they are). Readers (image folder, RecordIO, IDX,
 * synthetic, features) implement this; the loop never knows the file format.
 */
export interface TrainSet {
  readonly name: string;
  readonly numClasses: number;
  /** Number of images. */
  readonly size: number;
  /** [height, width, channels] of one image as returned by `read`. */
  readonly shape: readonly [number, number, number];
  /**
   * The identity each label stands for (`classNames[label]`), where the format names identities (image folders,
   * feature sets keyed Identity/image.jpg). Holding out a protocol fold's identities needs it.
   */
  readonly classNames?: readonly string[];
  /** Images of the dataset left out because they cannot be decoded (`flb train --skip-bad-images`), by key. */
  readonly skippedImages?: readonly string[];
  /** Class label (0..numClasses-1) of image `index`. */
  labelOf(index: number): number;
  /**
   * Pixels of these images, NHWC float32 in row order of `indices`, normalised as insightface does:
   * (v − 127.5) / 128 for 8-bit values v.
   */
  read(indices: readonly number[]): Promise<Float32Array>;
}

export { normalisePixel } from '../../formats/image.js';
