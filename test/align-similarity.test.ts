import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { applyAffine, estimateSimilarity, similarityParameters, type Affine, type Point } from '../harness/align/similarity-transform.js';
import { ARCFACE_TEMPLATE_112, arcfaceTemplate } from '../harness/align/arcface-template.js';
import { warpAffine } from '../harness/align/warp.js';
import { alignFace, alignmentTransform } from '../harness/align/align-face.js';

/** x' = s R(θ) x + t, written out by hand. */
function similarity(scale: number, degrees: number, tx: number, ty: number): (p: Point) => Point {
  const c = scale * Math.cos((degrees * Math.PI) / 180);
  const s = scale * Math.sin((degrees * Math.PI) / 180);
  return ([x, y]) => [c * x - s * y + tx, s * x + c * y + ty];
}

function residual(m: Affine, src: readonly Point[], dst: readonly Point[]): number {
  return src.reduce((sum, p, i) => {
    const [x, y] = applyAffine(m, p);
    return sum + (x - dst[i][0]) ** 2 + (y - dst[i][1]) ** 2;
  }, 0);
}

test('recovers a known rotation, scale and translation exactly', (t) => {
  const forward = similarity(1.7, 23, 40, -12);
  const landmarks = ARCFACE_TEMPLATE_112.map(forward);
  const m = alignmentTransform(landmarks);
  const p = similarityParameters(m);
  t.true(Math.abs(p.scale - 1 / 1.7) < 1e-12);
  t.true(Math.abs(p.rotationDeg + 23) < 1e-9);
  t.true(residual(m, landmarks, ARCFACE_TEMPLATE_112) < 1e-18);
});

test('with noise, the estimate is a least-squares minimum over similarities', (t) => {
  const noise = [[0.8, -1.1], [-0.4, 0.9], [1.3, 0.2], [-0.7, -0.6], [0.1, 1.4]];
  const src = ARCFACE_TEMPLATE_112.map(similarity(0.8, -35, 100, 60)).map(([x, y], i): Point => [x + noise[i][0], y + noise[i][1]]);
  const dst = ARCFACE_TEMPLATE_112;
  const m = estimateSimilarity(src, dst);
  const best = residual(m, src, dst);
  // Brute force: every small step in the four similarity parameters (a, b, tx, ty) makes the fit worse.
  const [a, nb, tx, b, , ty] = m;
  for (const step of [1e-3, 1e-5]) {
    for (const [da, db, dx, dy] of [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]) {
      for (const sign of [1, -1]) {
        const aa = a + sign * step * da;
        const bb = b + sign * step * db;
        const moved: Affine = [aa, -bb, tx + sign * step * dx, bb, aa, ty + sign * step * dy];
        t.true(residual(moved, src, dst) > best);
      }
    }
  }
  t.is(nb, -b);
});

test('a mirrored face still gets a proper rotation (no reflection), like Umeyama', (t) => {
  const mirrored = ARCFACE_TEMPLATE_112.map(([x, y]): Point => [200 - x, y]);
  const m = estimateSimilarity(mirrored, ARCFACE_TEMPLATE_112);
  t.true(m[0] * m[4] - m[1] * m[3] > 0);
  t.is(m[0], m[4]);
  t.is(m[1], -m[3]);
});

test('template scaling follows insightface estimate_norm', (t) => {
  t.deepEqual(arcfaceTemplate(224)[0], [38.2946 * 2, 51.6963 * 2]);
  t.deepEqual(arcfaceTemplate(128)[2], [56.0252 + 8, 71.7366]);
});

test('bilinear warp: identity, integer shift, half-pixel shift, outside is 0', (t) => {
  const pixels = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]); // 3×3 grey
  const src = { pixels, height: 3, width: 3, channels: 1 };
  t.deepEqual([...warpAffine(src, [1, 0, 0, 0, 1, 0], [3, 3]).pixels], [...pixels]);
  // Moving the image one pixel right: destination column 0 samples column -1 (outside -> 0).
  t.deepEqual([...warpAffine(src, [1, 0, 1, 0, 1, 0], [3, 3]).pixels], [0, 10, 20, 0, 40, 50, 0, 70, 80]);
  // Half a pixel left: each output is the mean of two horizontal neighbours; the last column mixes in 0.
  t.deepEqual([...warpAffine(src, [1, 0, -0.5, 0, 1, 0], [3, 2]).pixels], [15, 25, 45, 55, 75, 85]);
  // 90° rotation about the centre (1, 1): (x, y) -> (2 - y, x).
  t.deepEqual([...warpAffine(src, [0, -1, 2, 1, 0, 0], [3, 3]).pixels], [70, 40, 10, 80, 50, 20, 90, 60, 30]);
});

test('alignFace puts the five landmarks of a transformed face on the template', async (t) => {
  const forward = similarity(1.5, 12, 30, 20);
  const landmarks = ARCFACE_TEMPLATE_112.map(forward);
  const width = 260;
  const height = 240;
  const raw = Buffer.alloc(width * height * 3);
  for (const [x, y] of landmarks) {
    for (let dy = -3; dy <= 3; dy++)
      for (let dx = -3; dx <= 3; dx++) raw.fill(255, ((Math.round(y) + dy) * width + Math.round(x) + dx) * 3, ((Math.round(y) + dy) * width + Math.round(x) + dx) * 3 + 3);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'flb-align-')), 'face.png');
  writeFileSync(path, await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer());
  const crop = await alignFace(path, landmarks, { channels: 1 });
  t.is(crop.length, 112 * 112);
  for (const [x, y] of ARCFACE_TEMPLATE_112) t.is(crop[Math.round(y) * 112 + Math.round(x)], 255);
  t.is(crop[10 * 112 + 10], 0);
  t.is(crop[56 * 112 + 56], 0); // between the eyes and the nose: nothing drawn there
});
