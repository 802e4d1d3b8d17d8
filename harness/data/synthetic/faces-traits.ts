import seedrandom from 'seedrandom';
import type { Rgb } from './faces-raster.js';
import type { SynthFaceConfig } from './faces-config.js';

/**
 * The random side of the synthetic face generator: an identity's traits and one image's view of it, each
 * drawn from its own PRNG stream keyed on (seed, identity, image index), so any image can be made alone.
 * Geometry is in the face's canonical frame: x right, y down, the image spanning [-1, 1] before the view's
 * similarity transform.
 */

// ---------------------------------------------------------------------------------------------------------
// Random streams

export interface Stream {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [-1, 1). */
  symmetric(): number;
  normal(): number;
  chance(p: number): boolean;
}

/** Separate named streams, so adding a draw to one part (say, noise) never shifts the others. */
export function stream(seed: number, identity: number, imageIndex: number, name: string): Stream {
  const next = seedrandom.alea(`flb-synth/${seed}/${identity}/${imageIndex}/${name}`);
  return {
    uniform: () => next(),
    symmetric: () => 2 * next() - 1,
    normal: () => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    chance: (p) => next() < p,
  };
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
export const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
export const shade = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];

/** Piecewise-linear lookup in a palette, t in [0, 1]. */
function palette(stops: readonly Rgb[], t: number): Rgb {
  const x = clamp(t, 0, 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  return mix(stops[i]!, stops[i + 1]!, x - i);
}

const skinPalette: Rgb[] = [[0.32, 0.2, 0.14], [0.55, 0.37, 0.26], [0.78, 0.57, 0.43], [0.93, 0.76, 0.64], [0.98, 0.86, 0.77]];
const hairPalette: Rgb[] = [[0.06, 0.05, 0.05], [0.25, 0.16, 0.1], [0.5, 0.32, 0.18], [0.72, 0.42, 0.2], [0.85, 0.72, 0.45], [0.72, 0.72, 0.72]];
const irisPalette: Rgb[] = [[0.22, 0.13, 0.07], [0.45, 0.3, 0.15], [0.35, 0.45, 0.3], [0.3, 0.45, 0.65]];

// ---------------------------------------------------------------------------------------------------------
// Identity

export interface IdentityTraits {
  faceRx: number; faceRy: number; faceCy: number; chin: number;
  skin: Rgb;
  bald: boolean; hair: Rgb; hairVolume: number; hairline: number; hairlineCurve: number; hairPart: number; hairBottom: number;
  eyeSpacing: number; eyeY: number; eyeRx: number; eyeRy: number; iris: Rgb;
  browGap: number; browThick: number; browSlope: number; browArch: number; browLen: number;
  noseLen: number; noseWidth: number;
  mouthY: number; mouthHalfWidth: number; lipThick: number; lip: Rgb; smile: number;
  earRy: number;
  beard: number; moustache: boolean; glasses: boolean;
}

export function sampleIdentity(config: SynthFaceConfig, identity: number): IdentityTraits {
  const rnd = stream(config.seed, identity, -1, 'identity');
  const spread = config.identitySpread;
  // mean ± spread·halfRange·u, kept within what still looks like a face
  const trait = (mean: number, halfRange: number, lo = -Infinity, hi = Infinity) => clamp(mean + spread * halfRange * rnd.symmetric(), lo, hi);
  const skin = palette(skinPalette, trait(0.6, 0.45, 0, 1));
  const hair = palette(hairPalette, trait(0.35, 0.6, 0, 1));
  const faceRy = trait(0.62, 0.07, 0.5, 0.74);
  const eyeY = trait(-0.1, 0.05, -0.2, 0.0);
  const mouthY = trait(0.3, 0.05, 0.2, 0.4);
  return {
    faceRx: trait(0.47, 0.07, 0.36, 0.6),
    faceRy,
    faceCy: 0.04,
    chin: trait(0.3, 0.25, 0, 0.6),
    skin,
    bald: rnd.chance(0.08 * Math.min(spread, 1)),
    hair,
    hairVolume: trait(0.08, 0.07, 0.0, 0.18),
    hairline: trait(-0.36, 0.14, -0.62, -0.18),
    hairlineCurve: trait(0.4, 0.4, -0.2, 1.0),
    hairPart: trait(0, 0.25),
    hairBottom: trait(0.05, 0.45, -0.3, 0.7),
    eyeSpacing: trait(0.19, 0.035, 0.14, 0.25),
    eyeY,
    eyeRx: trait(0.075, 0.018, 0.05, 0.1),
    eyeRy: trait(0.033, 0.01, 0.02, 0.048),
    iris: palette(irisPalette, trait(0.4, 0.6, 0, 1)),
    browGap: trait(0.075, 0.025, 0.045, 0.11),
    browThick: trait(0.017, 0.008, 0.008, 0.03),
    browSlope: trait(0, 0.25),
    browArch: trait(0.02, 0.02, -0.01, 0.05),
    browLen: trait(0.13, 0.03, 0.08, 0.18),
    noseLen: trait(0.2, 0.05, 0.12, 0.28),
    noseWidth: trait(0.055, 0.018, 0.03, 0.08),
    mouthY,
    mouthHalfWidth: trait(0.12, 0.035, 0.07, 0.17),
    lipThick: trait(0.022, 0.01, 0.01, 0.035),
    lip: mix(skin, [0.7, 0.25, 0.25], trait(0.45, 0.25, 0.1, 0.8)),
    smile: trait(0, 0.25),
    earRy: trait(0.1, 0.025, 0.06, 0.13),
    beard: rnd.chance(0.15 * Math.min(spread, 1)) ? trait(0.6, 0.4, 0.2, 1) : 0,
    moustache: rnd.chance(0.12 * Math.min(spread, 1)),
    glasses: rnd.chance(0.12 * Math.min(spread, 1)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// One view of an identity

export type Occlusion =
  | { kind: 'none' }
  | { kind: 'sunglasses'; colour: Rgb }
  | { kind: 'mask'; colour: Rgb }
  | { kind: 'blob'; colour: Rgb; cx: number; cy: number; rx: number; ry: number };

export interface View {
  /** Similarity transform face → image: rotation (radians), scale, translation (canonical units). */
  angle: number; scale: number; tx: number; ty: number;
  /** Horizontal shift of the inner features, a cheap stand-in for small yaw. */
  yaw: number;
  smile: number; mouthOpen: number; eyeOpen: number; browRaise: number; gaze: number;
  background: Rgb; backgroundGradient: number; clothes: Rgb;
  ambient: number; lightStrength: number; lightDirection: number;
  occlusion: Occlusion;
  blurSigma: number; noiseStd: number;
  faceness: number;
}

export function sampleView(config: SynthFaceConfig, identity: number, imageIndex: number, traits: IdentityTraits): View {
  const rnd = stream(config.seed, identity, imageIndex, 'view');
  const n = config.nuisance;
  const angle = clamp(rnd.normal() * 0.11 * n, -0.35, 0.35);
  const occlusion = sampleOcclusion(rnd, n);
  const blurSigma = Math.abs(rnd.normal()) * 0.55 * n;
  const occluded = occlusion.kind === 'none' ? 0 : occlusion.kind === 'blob' ? 0.25 : 0.4;
  return {
    angle,
    scale: Math.exp(clamp(rnd.normal() * 0.07 * n, -0.2, 0.2)),
    tx: clamp(rnd.normal() * 0.045 * n, -0.15, 0.15),
    ty: clamp(rnd.normal() * 0.045 * n, -0.15, 0.15),
    yaw: clamp(rnd.normal() * 0.035 * n, -0.08, 0.08),
    smile: traits.smile + rnd.normal() * 0.35 * n,
    mouthOpen: Math.max(0, rnd.normal() * 0.025 * n),
    eyeOpen: rnd.chance(0.06 * n) ? 0.15 : clamp(1 + rnd.normal() * 0.15 * n, 0.5, 1.3),
    browRaise: rnd.normal() * 0.012 * n,
    gaze: rnd.normal() * 0.012 * n,
    background: mix([0.5, 0.5, 0.5], [rnd.uniform(), rnd.uniform(), rnd.uniform()], clamp(0.7 * n, 0, 1)),
    backgroundGradient: rnd.symmetric() * 0.2 * n,
    clothes: mix([0.3, 0.3, 0.35], [rnd.uniform(), rnd.uniform(), rnd.uniform()], clamp(n, 0, 1)),
    ambient: Math.exp(clamp(rnd.normal() * 0.15 * n, -0.5, 0.5)),
    lightStrength: rnd.uniform() * 0.45 * n,
    lightDirection: rnd.uniform() * 2 * Math.PI,
    occlusion,
    blurSigma,
    noiseStd: 0.025 * n * (0.3 + rnd.uniform()),
    faceness: clamp(0.99 - occluded - 0.08 * blurSigma - 0.6 * Math.abs(angle), 0.05, 1),
  };
}

function sampleOcclusion(rnd: Stream, n: number): Occlusion {
  if (!rnd.chance(0.2 * n)) return { kind: 'none' };
  const colour: Rgb = [rnd.uniform(), rnd.uniform(), rnd.uniform()];
  const pick = rnd.uniform();
  if (pick < 0.3) return { kind: 'sunglasses', colour: shade(colour, 0.25) };
  if (pick < 0.55) return { kind: 'mask', colour: mix(colour, [0.9, 0.9, 0.9], 0.5) };
  return { kind: 'blob', colour, cx: rnd.symmetric() * 0.6, cy: rnd.symmetric() * 0.6, rx: 0.12 + 0.15 * rnd.uniform(), ry: 0.12 + 0.15 * rnd.uniform() };
}

