import {
  type Canvas,
  type Rgb,
  bandDistance,
  blend,
  coverage,
  borrowCanvas,
  ellipseDistance,
} from './faces-raster.js';
import { mix, shade, type IdentityTraits, type Stream, type View } from './faces-traits.js';
import type { FivePoints } from './faces-config.js';

// Paints one view of an identity (face layers, then illumination and sensor noise) and places its landmarks.

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

export function paintFace(size: number, t: IdentityTraits, v: View): Canvas {
  const canvas = borrowCanvas(size); // every pixel is first painted with the background, at full opacity
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
export function applyIllumination(canvas: Canvas, v: View): void {
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

export function addNoise(canvas: Canvas, std: number, rnd: Stream): void {
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

export function landmarksOf(size: number, t: IdentityTraits, v: View): FivePoints {
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
