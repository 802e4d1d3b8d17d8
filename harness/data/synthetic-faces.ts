import seedrandom from 'seedrandom';
import {
  type Canvas,
  type Rgb,
  bandDistance,
  blend,
  coverage,
  createCanvas,
  ellipseDistance,
  gaussianBlur,
  toUint8,
} from './synthetic-faces-raster.js';

/**
 * A deterministic generator of face-like identity images. Each identity is a random parameter vector (face
 * outline, skin tone, hair, eyes, brows, nose, mouth, ears, beard, glasses); each image of it is that
 * identity under nuisance (rotation, translation, scale, a little yaw, illumination, expression, clothes and
 * background, occlusion, blur, noise). Two knobs set the difficulty: `identitySpread` scales how far
 * identities lie from the mean face, `nuisance` how strongly images of one identity vary. Everything is drawn
 * from PRNG streams keyed on (seed, identity, image index), so any image can be rendered alone, in any order,
 * in any worker, and always gives the same bytes.
 *
 * Geometry lives in the face's canonical frame: x right, y down, the image spanning [-1, 1] on both axes
 * before the per-image similarity transform.
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

// ---------------------------------------------------------------------------------------------------------
// Random streams

interface Stream {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [-1, 1). */
  symmetric(): number;
  normal(): number;
  chance(p: number): boolean;
}

/** Separate named streams, so adding a draw to one part (say, noise) never shifts the others. */
function stream(seed: number, identity: number, imageIndex: number, name: string): Stream {
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
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const shade = (c: Rgb, k: number): Rgb => [c[0] * k, c[1] * k, c[2] * k];

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

interface IdentityTraits {
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

function sampleIdentity(config: SynthFaceConfig, identity: number): IdentityTraits {
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

type Occlusion =
  | { kind: 'none' }
  | { kind: 'sunglasses'; colour: Rgb }
  | { kind: 'mask'; colour: Rgb }
  | { kind: 'blob'; colour: Rgb; cx: number; cy: number; rx: number; ry: number };

interface View {
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

function sampleView(config: SynthFaceConfig, identity: number, imageIndex: number, traits: IdentityTraits): View {
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

// ---------------------------------------------------------------------------------------------------------
// Painting

/** Canonical feature positions after yaw, shared by painting and landmarks so the two always agree. */
function featurePositions(t: IdentityTraits, v: View) {
  const noseTipY = t.eyeY + t.noseLen;
  return {
    leftEyeX: -t.eyeSpacing + v.yaw,
    rightEyeX: t.eyeSpacing + v.yaw,
    noseX: 1.3 * v.yaw,
    noseTipY,
    mouthX: v.yaw,
    mouthY: Math.max(t.mouthY, noseTipY + 0.06),
  };
}

function paintFace(size: number, t: IdentityTraits, v: View): Canvas {
  const canvas = createCanvas(size, v.background);
  const f = featurePositions(t, v);
  const cos = Math.cos(-v.angle);
  const sin = Math.sin(-v.angle);
  const pixel = 2 / (size * v.scale);
  const faceBottom = t.faceCy + t.faceRy;
  const hairCy = t.faceCy - 0.04;
  const hairRx = t.faceRx + t.hairVolume;
  const hairRy = t.faceRy + 0.7 * t.hairVolume + 0.03;
  // colours fixed for the whole image, computed once rather than per pixel
  const browColour = shade(mix(t.hair, [0.1, 0.08, 0.06], 0.4), 0.9);
  const hairBack = shade(t.hair, 0.85);
  const hairDark = shade(t.hair, 0.9);
  const neck = shade(t.skin, 0.82);
  const ear = shade(t.skin, 0.9);
  const eyeOutline = shade(t.skin, 0.35);
  const noseShadow = shade(t.skin, 0.75);
  const nostril = shade(t.skin, 0.45);
  const skinShades = Array.from({ length: 17 }, (_, k) => shade(t.skin, 1 - 0.12 * (k / 16) ** 2));
  const sclera: Rgb = [0.94, 0.93, 0.9];
  const pupil: Rgb = [0.03, 0.03, 0.03];
  const mouthInside: Rgb = [0.2, 0.06, 0.06];
  const frame: Rgb = [0.08, 0.08, 0.1];
  const backgroundRows = Array.from({ length: size }, (_, py) => shade(v.background, 1 + v.backgroundGradient * (((py + 0.5) / size) * 2 - 1)));
  const lipHalf = (rel: number) => t.lipThick * (1 - 0.55 * rel * rel);
  const eyes = [f.leftEyeX, f.rightEyeX];

  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = py * size + px;
      // pixel centre → image canonical → face canonical (inverse of the view's similarity transform)
      const ix = ((px + 0.5) / size) * 2 - 1 - v.tx;
      const iy = ((py + 0.5) / size) * 2 - 1 - v.ty;
      const x = (cos * ix - sin * iy) / v.scale;
      const y = (sin * ix + cos * iy) / v.scale;

      blend(canvas, i, backgroundRows[py]!, 1);
      // cheap bounding tests first: most pixels are far from most shapes, and the distances need a sqrt
      if (!t.bald && y < t.hairBottom + pixel) {
        const back = coverage(ellipseDistance(x, y, 0, hairCy, hairRx, hairRy), pixel) * coverage(y - t.hairBottom, pixel);
        blend(canvas, i, hairBack, back);
      }
      blend(canvas, i, neck, coverage(Math.max(Math.abs(x) - 0.2, faceBottom - 0.25 - y), pixel));
      if (y > 0.8) blend(canvas, i, v.clothes, coverage(ellipseDistance(x, y, 0, 1.32, 0.95, 0.48), pixel));
      if (Math.abs(y - t.eyeY - 0.06) < t.earRy + 0.02) {
        blend(canvas, i, ear, coverage(ellipseDistance(x, y, -(t.faceRx - 0.01), t.eyeY + 0.06, 0.05, t.earRy), pixel));
        blend(canvas, i, ear, coverage(ellipseDistance(x, y, t.faceRx - 0.01, t.eyeY + 0.06, 0.05, t.earRy), pixel));
      }

      // face: an ellipse whose lower half narrows towards the chin
      const below = y > t.faceCy ? (y - t.faceCy) / t.faceRy : 0;
      const faceRx = t.faceRx * (1 - t.chin * below * below * 0.5);
      const faceD = ellipseDistance(x, y, 0, t.faceCy, faceRx, t.faceRy);
      const faceCov = coverage(faceD, pixel);
      if (faceCov > 0) {
        const rim = Math.min(1, Math.max(0, 1 + faceD / 0.12));
        blend(canvas, i, skinShades[Math.round(rim * 16)]!, faceCov);
      }
      if (!t.bald) {
        const hairline = t.faceCy + t.hairline + t.hairlineCurve * x * x + t.hairPart * x * 0.3;
        const top = coverage(ellipseDistance(x, y, 0, hairCy, hairRx, hairRy), pixel) * coverage(y - hairline, pixel);
        blend(canvas, i, t.hair, top);
      }
      if (t.beard > 0) {
        blend(canvas, i, hairDark, faceCov * coverage(f.mouthY - 0.07 - y, pixel) * t.beard);
      }
      // the inner features all lie well inside the face: skip them elsewhere, which halves the work
      if (faceD > 0.08) {
        paintOcclusion(canvas, i, x, y, pixel, v, t, f.mouthY);
        continue;
      }

      for (let e = 0; e < 2 && Math.abs(y - t.eyeY + 0.04) < 0.2; e++) {
        const side = e === 0 ? -1 : 1;
        const ex = eyes[e]!;
        // brows
        const bx = ex;
        const by = t.eyeY - t.browGap - v.browRaise;
        const rel = (x - bx) / (t.browLen / 2);
        const curve = by - t.browArch * (1 - rel * rel) + side * t.browSlope * 0.15 * (x - bx);
        blend(canvas, i, browColour, coverage(bandDistance(x, y, curve, bx - t.browLen / 2, bx + t.browLen / 2, t.browThick), pixel));
        // eyes: dark outline, sclera, iris clipped by the sclera, pupil
        const ry = t.eyeRy * v.eyeOpen;
        blend(canvas, i, eyeOutline, coverage(ellipseDistance(x, y, ex, t.eyeY, t.eyeRx + 0.01, ry + 0.01), pixel));
        const scleraCov = coverage(ellipseDistance(x, y, ex, t.eyeY, t.eyeRx, ry), pixel);
        if (scleraCov > 0) {
          blend(canvas, i, sclera, scleraCov);
          const irisR = t.eyeRy * 0.95;
          blend(canvas, i, t.iris, scleraCov * coverage(ellipseDistance(x, y, ex + v.gaze, t.eyeY, irisR, irisR), pixel));
          blend(canvas, i, pupil, scleraCov * coverage(ellipseDistance(x, y, ex + v.gaze, t.eyeY, irisR * 0.45, irisR * 0.45), pixel));
        }
      }

      // nose: a shaded bridge on one side and two nostrils
      const bridgeX = f.noseX + t.noseWidth * 0.55;
      const bridgeD = Math.max(Math.abs(x - bridgeX) - 0.01, t.eyeY + 0.06 - y, y - f.noseTipY + 0.02);
      blend(canvas, i, noseShadow, 0.6 * coverage(bridgeD, pixel));
      if (Math.abs(y - f.noseTipY) < 0.05) {
        blend(canvas, i, nostril, coverage(ellipseDistance(x, y, f.noseX - t.noseWidth * 0.5, f.noseTipY, 0.022, 0.012), pixel));
        blend(canvas, i, nostril, coverage(ellipseDistance(x, y, f.noseX + t.noseWidth * 0.5, f.noseTipY, 0.022, 0.012), pixel));
      }

      // mouth: lips around a centre line that bends with the smile; the inside shows when open
      const rel = (x - f.mouthX) / t.mouthHalfWidth;
      if (Math.abs(rel) < 1.3 && Math.abs(y - f.mouthY) < 0.2) {
        const centre = f.mouthY + v.smile * 0.05 * (1 - rel * rel);
        const x0 = f.mouthX - t.mouthHalfWidth;
        const x1 = f.mouthX + t.mouthHalfWidth;
        if (t.moustache) blend(canvas, i, hairDark, coverage(bandDistance(x, y, centre - t.lipThick - 0.03, x0 - 0.01, x1 + 0.01, 0.018), pixel));
        blend(canvas, i, t.lip, coverage(bandDistance(x, y, centre, x0, x1, lipHalf(rel) + v.mouthOpen / 2), pixel));
        const inside = (v.mouthOpen / 2) * Math.max(0, 1 - rel * rel);
        blend(canvas, i, mouthInside, coverage(bandDistance(x, y, centre, x0, x1, Math.max(inside, 0.004)), pixel));
      }

      if (t.glasses && Math.abs(y - t.eyeY) < 0.15) {
        for (const ex of eyes) {
          const ring = Math.abs(ellipseDistance(x, y, ex, t.eyeY, t.eyeRx * 1.5, t.eyeRy * 2.4)) - 0.009;
          blend(canvas, i, frame, coverage(ring, pixel));
        }
        const bridge = bandDistance(x, y, t.eyeY - 0.01, eyes[0]! + t.eyeRx * 1.5, eyes[1]! - t.eyeRx * 1.5, 0.007);
        blend(canvas, i, frame, coverage(bridge, pixel));
      }
      paintOcclusion(canvas, i, x, y, pixel, v, t, f.mouthY);
    }
  }
  return canvas;
}

function paintOcclusion(canvas: Canvas, i: number, x: number, y: number, pixel: number, v: View, t: IdentityTraits, mouthY: number): void {
  const o = v.occlusion;
  if (o.kind === 'none') return;
  if (o.kind === 'sunglasses') {
    for (const side of [-1, 1]) {
      blend(canvas, i, o.colour, coverage(ellipseDistance(x, y, side * t.eyeSpacing + v.yaw, t.eyeY + 0.01, t.eyeRx * 1.6, t.eyeRy * 2.6), pixel));
    }
    blend(canvas, i, o.colour, coverage(bandDistance(x, y, t.eyeY - 0.01, -t.eyeSpacing, t.eyeSpacing, 0.01), pixel));
  } else if (o.kind === 'mask') {
    const top = Math.min(mouthY - 0.12, t.eyeY + t.noseLen - 0.03);
    const d = Math.max(ellipseDistance(x, y, 0, t.faceCy + 0.05, t.faceRx + 0.02, t.faceRy + 0.02), top - y);
    blend(canvas, i, o.colour, coverage(d, pixel));
  } else {
    blend(canvas, i, o.colour, coverage(ellipseDistance(x, y, o.cx, o.cy, o.rx, o.ry), pixel));
  }
}

/** A linear illumination gradient across the image times an overall brightness. */
function applyIllumination(canvas: Canvas, v: View): void {
  const size = canvas.size;
  const dx = Math.cos(v.lightDirection) * v.lightStrength;
  const dy = Math.sin(v.lightDirection) * v.lightStrength;
  for (let py = 0; py < size; py++) {
    const yy = ((py + 0.5) / size) * 2 - 1;
    for (let px = 0; px < size; px++) {
      const xx = ((px + 0.5) / size) * 2 - 1;
      const gain = v.ambient * Math.max(0.15, 1 + dx * xx + dy * yy);
      const i = py * size + px;
      canvas.r[i] = canvas.r[i]! * gain;
      canvas.g[i] = canvas.g[i]! * gain;
      canvas.b[i] = canvas.b[i]! * gain;
    }
  }
}

function addNoise(canvas: Canvas, std: number, rnd: Stream): void {
  if (std <= 0) return;
  // A triangular variate (sum of two uniforms, the two 16-bit halves of one mulberry32 draw) rescaled to unit
  // variance: close enough to Gaussian for sensor noise, and many times cheaper than Box–Muller through alea.
  let state = Math.floor(rnd.uniform() * 2 ** 32) >>> 0;
  const scale = std * Math.sqrt(6) / 65536;
  for (const plane of [canvas.r, canvas.g, canvas.b]) {
    for (let i = 0; i < plane.length; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      t = (t ^ (t >>> 14)) >>> 0;
      plane[i] = plane[i]! + scale * ((t & 0xffff) + (t >>> 16) - 65535);
    }
  }
}

function landmarksOf(size: number, t: IdentityTraits, v: View): FivePoints {
  const f = featurePositions(t, v);
  const cos = Math.cos(v.angle);
  const sin = Math.sin(v.angle);
  const toPixel = (x: number, y: number): [number, number] => {
    const ix = v.scale * (cos * x - sin * y) + v.tx;
    const iy = v.scale * (sin * x + cos * y) + v.ty;
    return [((ix + 1) / 2) * size - 0.5, ((iy + 1) / 2) * size - 0.5];
  };
  return [
    toPixel(f.leftEyeX, t.eyeY),
    toPixel(f.rightEyeX, t.eyeY),
    toPixel(f.noseX, f.noseTipY),
    toPixel(f.mouthX - t.mouthHalfWidth, f.mouthY),
    toPixel(f.mouthX + t.mouthHalfWidth, f.mouthY),
  ];
}
