import { estimateSimilarity, type Affine, type Point } from '../align/similarity-transform.js';
import { warpAffine, type RawImage } from '../align/warp.js';
import type { FaceTemplate } from './face-template.js';

/** The least-squares similarity taking the five detected points onto the template, applied (bilinear, 8-bit). */
export function alignedCrop(image: RawImage, points: readonly Point[], template: FaceTemplate): RawImage {
  return warpAffine(image, estimateSimilarity(points, template.points), [template.size, template.size]);
}

/**
 * The fallback when no face is found: the central square covering `fraction` of the shorter side, scaled to the
 * template size (fraction 0.6 is the 150 px centre crop of a 250 px LFW image).
 */
export function centreCrop(image: RawImage, size: number, fraction = 0.6): RawImage {
  const side = Math.min(image.width, image.height) * fraction;
  const scale = size / side;
  // Pixel centres: source centre (w-1)/2 maps to destination centre (size-1)/2.
  const m: Affine = [scale, 0, (size - 1) / 2 - scale * ((image.width - 1) / 2), 0, scale, (size - 1) / 2 - scale * ((image.height - 1) / 2)];
  return warpAffine(image, m, [size, size]);
}
