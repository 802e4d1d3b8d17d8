/** The synthetic face generator's settings and its landmark type, shared by the generator's modules. */

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

export function validateSynthFaceConfig(config: SynthFaceConfig): void {
  const { seed, size, channels, identitySpread, nuisance } = config;
  if (!Number.isInteger(seed)) throw new RangeError(`synthetic faces: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(size) || size < 32 || size > 112) throw new RangeError(`synthetic faces: size must be an integer in 32..112, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new RangeError(`synthetic faces: channels must be 1 or 3, got ${String(channels)}`);
  if (!(identitySpread >= 0 && identitySpread <= 3)) throw new RangeError(`synthetic faces: identitySpread must be in 0..3, got ${identitySpread}`);
  if (!(nuisance >= 0 && nuisance <= 3)) throw new RangeError(`synthetic faces: nuisance must be in 0..3, got ${nuisance}`);
}
