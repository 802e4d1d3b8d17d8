import test from 'ava';
import type { Point } from '../harness/align/similarity-transform.js';
import { dlibChipTemplate } from '../harness/align/dlib-template.js';
import { centralFace } from '../harness/face/central-face.js';
import { chipBatch, chipOf } from '../harness/face/chip-input.js';
import { alignedCrop, centreCrop } from '../harness/face/face-crop.js';
import { faceTemplate } from '../harness/face/face-template.js';
import { fivePointsFrom68 } from '../harness/face/five-points.js';
import { clipBox } from '../harness/face/locate-face.js';

const close = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol;

test('dlib150 template: the mean-shape eye centres, nose tip and mouth corners, padded by 0.25 into 150 px', (t) => {
  // dlib's mean face shape, by hand from get_face_chip_details: landmarks 36–41 and 42–47 (eyes), 30, 48, 54.
  const leftEye = [
    [0.121737, 0.216423],
    [0.187122, 0.178758],
    [0.265825, 0.179852],
    [0.334606, 0.231733],
    [0.260918, 0.245099],
    [0.182743, 0.244077],
  ];
  const rightEye = [
    [0.645647, 0.231733],
    [0.714428, 0.179852],
    [0.793132, 0.178758],
    [0.858516, 0.216423],
    [0.79751, 0.244077],
    [0.719335, 0.245099],
  ];
  const avg = (pts: number[][]) => [pts.reduce((s, p) => s + p[0]!, 0) / 6, pts.reduce((s, p) => s + p[1]!, 0) / 6];
  const unit = [avg(leftEye), avg(rightEye), [0.490127, 0.515625], [0.254149, 0.780233], [0.726104, 0.780233]];
  const expected = unit.map(([x, y]) => [((0.25 + x!) / 1.5) * 150, ((0.25 + y!) / 1.5) * 150]);
  const got = dlibChipTemplate(150, 0.25);
  got.forEach(([x, y], i) => {
    t.true(close(x, expected[i]![0]!) && close(y, expected[i]![1]!), `point ${i}: got ${x},${y}, expected ${expected[i]}`);
  });
  // Worked example: the nose tip sits at x = (0.25 + 0.490127)/1.5·150 = 74.0127.
  t.true(close(got[2]![0], 74.0127));
  t.deepEqual(faceTemplate('dlib150').size, 150);
  t.throws(() => faceTemplate('dlib200'), { message: /unknown face template "dlib200".*dlib150, arcface112/ });
});

test('68 landmarks reduce to eye centres, nose tip and mouth corners', (t) => {
  const pts: Point[] = Array.from({ length: 68 }, (_, i) => [i, 1000 + i]);
  const five = fivePointsFrom68(pts);
  // Eye centres: means of 36..41 (38.5) and 42..47 (44.5).
  t.deepEqual(five, [
    [38.5, 1038.5],
    [44.5, 1044.5],
    [30, 1030],
    [48, 1048],
    [54, 1054],
  ]);
  t.throws(() => fivePointsFrom68(pts.slice(0, 5)), { message: /expected 68 landmarks, got 5/ });
});

test('the face nearest the image centre wins, whatever its score', (t) => {
  const edge = { x: 0, y: 0, width: 60, height: 60, score: 0.99 };
  const middle = { x: 80, y: 90, width: 100, height: 100, score: 0.3 };
  t.is(centralFace([edge, middle], 250, 250), middle);
  t.is(centralFace([], 250, 250), null);
  // Box overhanging the top-left border is clipped to whole pixels inside the image.
  t.deepEqual(clipBox({ x: -4.5, y: 10.2, width: 50, height: 300, score: 1 }, 250, 250), { x: 0, y: 10, width: 46, height: 240 });
  t.is(clipBox({ x: 249, y: 0, width: 50, height: 50, score: 1 }, 250, 250), null);
});

/** A black RGB image with a 3×3 white dot centred on each point. */
function dots(width: number, height: number, points: readonly Point[]) {
  const pixels = new Uint8Array(width * height * 3);
  for (const [px, py] of points) {
    for (let y = Math.round(py) - 1; y <= Math.round(py) + 1; y++)
      for (let x = Math.round(px) - 1; x <= Math.round(px) + 1; x++) pixels.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { pixels, width, height, channels: 3 };
}

/** Intensity-weighted centroid of the bright pixels within `r` of `near`. */
function centroid(img: { pixels: Uint8Array; width: number }, near: Point, r = 5): Point {
  let sx = 0, sy = 0, sw = 0; // prettier-ignore
  for (let y = Math.round(near[1]) - r; y <= Math.round(near[1]) + r; y++)
    for (let x = Math.round(near[0]) - r; x <= Math.round(near[0]) + r; x++) {
      const v = img.pixels[(y * img.width + x) * 3]!;
      sx += v * x;
      sy += v * y;
      sw += v;
    }
  return [sx / sw, sy / sw];
}

test('alignment carries the five points onto the template (rotated, scaled, shifted face)', (t) => {
  const template = faceTemplate('dlib150');
  // Place the face in a 300×300 image: template scaled by 1.4, rotated 12°, shifted.
  const a = (12 * Math.PI) / 180;
  const face: Point[] = template.points.map(([x, y]) => [1.4 * (Math.cos(a) * x - Math.sin(a) * y) + 60, 1.4 * (Math.sin(a) * x + Math.cos(a) * y) + 20]);
  const crop = alignedCrop(dots(300, 300, face), face, template);
  t.is(crop.width, 150);
  template.points.forEach((p, i) => {
    const c = centroid(crop, p);
    t.true(Math.hypot(c[0] - p[0], c[1] - p[1]) < 0.6, `point ${i} landed at ${c}, template ${p}`);
  });
});

test('centre-crop fallback: a 250 px image gives its central 150 px unchanged; chips pass through', (t) => {
  const pixels = new Uint8Array(250 * 250 * 3).map((_, i) => (i * 7) % 251);
  const image = { pixels, width: 250, height: 250, channels: 3 };
  const crop = centreCrop(image, 150);
  for (const [x, y] of [[0, 0], [149, 149], [10, 77]] as const) {
    for (let c = 0; c < 3; c++) t.is(crop.pixels[(y * 150 + x) * 3 + c], pixels[((y + 50) * 250 + x + 50) * 3 + c]);
  }
  const chip = { pixels: new Uint8Array(150 * 150 * 3), width: 150, height: 150, channels: 3 };
  t.is(chipOf(chip, 150), chip);
  t.deepEqual(chipOf(image, 150).pixels, crop.pixels);
});

test('chip batches interleave each chip with its mirror image when flipping', (t) => {
  const chip = { pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]), width: 2, height: 1, channels: 3 };
  t.deepEqual([...chipBatch([chip], false)], [1, 2, 3, 4, 5, 6]);
  t.deepEqual([...chipBatch([chip, chip], true)], [1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3]);
});
