import { decodeImageNative } from '../formats/image.js';
import { arcfaceTemplate } from './arcface-template.js';
import { estimateSimilarity, type Affine, type Point } from './similarity-transform.js';
import { warpAffine, type RawImage } from './warp.js';

/** The transform insightface's norm_crop applies: five landmarks onto the arcface template for a `size` crop. */
export function alignmentTransform(landmarks: readonly Point[], size = 112): Affine {
  if (landmarks.length !== 5) throw new Error(`alignmentTransform: expected 5 landmarks, got ${landmarks.length}`);
  return estimateSimilarity(landmarks, arcfaceTemplate(size));
}

/** Crops a face aligned to the arcface template out of decoded pixels. */
export function alignDecodedFace(image: RawImage, landmarks: readonly Point[], size = 112): RawImage {
  return warpAffine(image, alignmentTransform(landmarks, size), [size, size]);
}

/**
 * Decodes an image (file or bytes) at its own resolution and returns the size × size face crop aligned by
 * its five landmarks (IJB-C loose crops with ijbc_name_5pts_score.txt), as 8-bit HWC pixels.
 */
export async function alignFace(
  source: string | Uint8Array,
  landmarks: readonly Point[],
  opts: { size?: number; channels: 1 | 3; label?: string },
): Promise<Uint8Array> {
  const image = await decodeImageNative(source, opts.channels, opts.label);
  return alignDecodedFace(image, landmarks, opts.size ?? 112).pixels;
}
