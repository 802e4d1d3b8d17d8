import { addNoise, applyIllumination, landmarksOf, paintFace } from './faces-paint.js';
import { gaussianBlur, toUint8 } from './faces-raster.js';
import { sampleIdentity, sampleView, stream } from './faces-traits.js';

/**
 * A deterministic generator of face-like identity images. Each identity is a random parameter vector (face
 * outline, skin tone, hair, eyes, brows, nose, mouth, ears, beard, glasses); each image of it is that
 * identity under nuisance (rotation, translation, scale, a little yaw, illumination, expression, clothes and
 * background, occlusion, blur, noise). Two knobs set the difficulty: `identitySpread` scales how far
 * identities lie from the mean face, `nuisance` how strongly images of one identity vary. Everything is drawn
 * from PRNG streams keyed on (seed, identity, image index), so any image can be rendered alone, in any order,
 * in any worker, and always gives the same bytes.
 *
 * This module is the public face of the generator; synthetic-faces-traits.ts draws the parameters and
 * synthetic-faces-paint.ts rasterises them.
 */
export interface SynthFaceConfig {
  seed: number;
  /** Side of the square image in pixels, 32..112. */
  size: number;
  channels: 1 | 3;
  /** 1 = the default spread of identity parameters around the mean face; 0 = every identity identical. */
  identitySpread: number;
  /** 1 = the default strength of per-image variation; 0 = every image of an identity identical. */
  nuisance: number;
}

export const defaultSynthFaceConfig: SynthFaceConfig = { seed: 1, size: 64, channels: 3, identitySpread: 1, nuisance: 1 };

/** Five landmarks as insightface orders them: left eye, right eye, nose tip, left and right mouth corner. */
export type FivePoints = [[number, number], [number, number], [number, number], [number, number], [number, number]];

export interface SynthFaceSample {
  /** HWC uint8, size × size × channels. */
  pixels: Uint8Array;
  /** Landmarks in pixel coordinates with pixel centres on integers (OpenCV's convention), image left/right. */
  landmarks: FivePoints;
  /** A detector-like confidence in (0, 1]: lower for occluded, blurred, strongly rotated images. */
  faceness: number;
}

export function validateSynthFaceConfig(config: SynthFaceConfig): void {
  const { seed, size, channels, identitySpread, nuisance } = config;
  if (!Number.isInteger(seed)) throw new RangeError(`synthetic faces: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(size) || size < 32 || size > 112) throw new RangeError(`synthetic faces: size must be an integer in 32..112, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`synthetic faces: channels must be 1 or 3, got ${String(channels)}`);
  if (!(identitySpread >= 0 && identitySpread <= 3)) throw new RangeError(`synthetic faces: identitySpread must be in 0..3, got ${identitySpread}`);
  if (!(nuisance >= 0 && nuisance <= 3)) throw new RangeError(`synthetic faces: nuisance must be in 0..3, got ${nuisance}`);
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
