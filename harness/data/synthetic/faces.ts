import { addNoise, applyIllumination, landmarksOf, paintFace } from './faces-paint.js';
import { gaussianBlur, toUint8 } from './faces-raster.js';
import { sampleIdentity, sampleView, stream } from './faces-traits.js';
import { validateSynthFaceConfig, type FivePoints, type SynthFaceConfig } from './faces-config.js';

export { defaultSynthFaceConfig, validateSynthFaceConfig, type FivePoints, type SynthFaceConfig } from './faces-config.js';

/**
 * A deterministic generator of face-like identity images. Each identity is a random parameter vector (face
 * outline, skin tone, hair, eyes, brows, nose, mouth, ears, beard, glasses); each image of it is that
 * identity under nuisance (rotation, translation, scale, a little yaw, illumination, expression, clothes and
 * background, occlusion, blur, noise). Two knobs set the difficulty: `identitySpread` scales how far
 * identities lie from the mean face, `nuisance` how strongly images of one identity vary. Everything is drawn
 * from PRNG streams keyed on (seed, identity, image index), so any image can be rendered alone, in any order,
 * in any worker, and always gives the same bytes.
 *
 * This module is the public face of the generator; faces-config.ts holds its settings, faces-traits.ts draws
 * the parameters and faces-paint.ts rasterises them.
 */
export interface SynthFaceSample {
  /** HWC uint8, size × size × channels. */
  pixels: Uint8Array;
  /** Landmarks in pixel coordinates with pixel centres on integers (OpenCV's convention), image left/right. */
  landmarks: FivePoints;
  /** A detector-like confidence in (0, 1]: lower for occluded, blurred, strongly rotated images. */
  faceness: number;
}

/** Pixels of image `imageIndex` of identity `identity`. */
export function renderFace(config: SynthFaceConfig, identity: number, imageIndex: number): Uint8Array {
  return renderFaceSample(config, identity, imageIndex).pixels;
}

export function renderFaceSample(config: SynthFaceConfig, identity: number, imageIndex: number): SynthFaceSample {
  validateSynthFaceConfig(config);
  if (!Number.isInteger(identity) || identity < 0) throw new RangeError(`synthetic faces: identity must be a non-negative integer, got ${identity}`);
  if (!Number.isInteger(imageIndex) || imageIndex < 0) throw new RangeError(`synthetic faces: image index must be a non-negative integer, got ${imageIndex}`);
  const traits = sampleIdentity(config, identity);
  const view = sampleView(config, identity, imageIndex, traits);
  const canvas = paintFace(config.size, traits, view);
  applyIllumination(canvas, view);
  gaussianBlur(canvas, view.blurSigma * (config.size / 64));
  addNoise(canvas, view.noiseStd, stream(config.seed, identity, imageIndex, 'noise'));
  return { pixels: toUint8(canvas, config.channels), landmarks: landmarksOf(config.size, traits, view), faceness: view.faceness };
}
