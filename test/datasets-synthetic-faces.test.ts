import test from 'ava';
import { renderFace, renderFaceSample, type SynthFaceConfig } from '../harness/data/synthetic/faces.js';

const grey32: SynthFaceConfig = { seed: 5, size: 32, channels: 1, identitySpread: 1, nuisance: 0.8 };

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

test('same (seed, identity, image) gives the same bytes, whatever was rendered before', (t) => {
  const first = renderFace(grey32, 3, 7);
  renderFace(grey32, 11, 2);
  renderFace({ ...grey32, seed: 6 }, 3, 7);
  const again = renderFace(grey32, 3, 7);
  t.is(first.length, 32 * 32);
  t.deepEqual(again, first);
});

test('colour images are HWC with three channels and differ between channels', (t) => {
  const rgb = renderFace({ ...grey32, channels: 3, size: 48 }, 1, 0);
  t.is(rgb.length, 48 * 48 * 3);
  let channelDiff = 0;
  for (let i = 0; i < 48 * 48; i++) channelDiff += Math.abs(rgb[3 * i]! - rgb[3 * i + 2]!);
  t.true(channelDiff / (48 * 48) > 5, 'skin, hair and background are not grey');
});

test('different identities, images and seeds give different images', (t) => {
  const base = renderFace(grey32, 0, 0);
  t.true(meanAbsDiff(base, renderFace(grey32, 1, 0)) > 3);
  t.true(meanAbsDiff(base, renderFace(grey32, 0, 1)) > 1);
  t.true(meanAbsDiff(base, renderFace({ ...grey32, seed: 6 }, 0, 0)) > 3);
});

test('nuisance 0 makes every image of an identity identical; spread 0 makes every identity identical', (t) => {
  const still = { ...grey32, nuisance: 0 };
  t.deepEqual(renderFace(still, 4, 0), renderFace(still, 4, 9));
  t.notDeepEqual(renderFace(still, 4, 0), renderFace(still, 5, 0));
  const clones = { ...still, identitySpread: 0 };
  t.deepEqual(renderFace(clones, 4, 0), renderFace(clones, 5, 0));
});

test('images of one identity are closer to each other than to other identities, on average', (t) => {
  let within = 0;
  let across = 0;
  for (let id = 0; id < 20; id++) {
    const a = renderFace(grey32, id, 0);
    within += meanAbsDiff(a, renderFace(grey32, id, 1));
    across += meanAbsDiff(a, renderFace(grey32, id + 100, 1));
  }
  t.true(within < across, `within ${within / 20} vs across ${across / 20}`);
});

test('the task is neither trivial nor hopeless: nearest class mean on raw pixels is far from 100%', (t) => {
  // 64 identities × 16 images as in synth-tiny: class means from 8 images, the other 8 classified
  const ids = 64;
  const per = 16;
  const dim = 32 * 32;
  const means = Array.from({ length: ids }, () => new Float64Array(dim));
  const tests: { id: number; pixels: Uint8Array }[] = [];
  for (let id = 0; id < ids; id++) {
    for (let k = 0; k < per; k++) {
      const img = renderFace(grey32, id, k);
      if (k < per / 2) for (let j = 0; j < dim; j++) means[id]![j]! += img[j]! / (per / 2);
      else tests.push({ id, pixels: img });
    }
  }
  let correct = 0;
  for (const { id, pixels } of tests) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((m, c) => {
      let d = 0;
      for (let j = 0; j < dim; j++) d += (pixels[j]! - m[j]!) ** 2;
      if (d < bestDistance) [bestDistance, best] = [d, c];
    });
    if (best === id) correct++;
  }
  const accuracy = correct / tests.length;
  t.log(`nearest-mean accuracy ${(100 * accuracy).toFixed(1)}% (chance ${(100 / ids).toFixed(1)}%)`);
  t.true(accuracy > 5 / ids, 'identity information is there');
  t.true(accuracy < 0.6, 'but raw pixel distance does not solve it');
});

test('landmarks: with no nuisance the eye landmarks sit on the dark pupils, left of right, above nose and mouth', (t) => {
  const size = 112;
  const still: SynthFaceConfig = { ...grey32, size, nuisance: 0 };
  for (let id = 0; id < 12; id++) {
    const { pixels, landmarks } = renderFaceSample(still, id, 0);
    const [le, re, nose, lm, rm] = landmarks;
    const at = (x: number, y: number) => pixels[Math.round(y) * size + Math.round(x)]!;
    for (const [x, y] of [le, re]) {
      // the pupil is the darkest thing in the eye: darker than most of the 9×9 window around it
      const window: number[] = [];
      for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) window.push(at(x + dx, y + dy));
      const darker = window.filter((v) => v < at(x, y)).length;
      t.true(darker < window.length / 4, `identity ${id}: ${darker} of 81 pixels darker than the landmark`);
    }
    t.true(le[0] < re[0] && lm[0] < rm[0]);
    t.true(le[1] < nose[1] && nose[1] < lm[1]);
    t.true(lm[0] < nose[0] && nose[0] < rm[0]);
  }
});

test('landmarks follow the image: they move with the face under nuisance and stay inside the image', (t) => {
  const moving: SynthFaceConfig = { ...grey32, size: 64, nuisance: 1 };
  const centres = new Set<string>();
  for (let k = 0; k < 10; k++) {
    const { landmarks, faceness } = renderFaceSample(moving, 2, k);
    for (const [x, y] of landmarks) t.true(x >= 0 && x < 64 && y >= 0 && y < 64);
    centres.add(landmarks[2].map((v) => v.toFixed(2)).join(','));
    t.true(faceness > 0 && faceness <= 1);
  }
  t.is(centres.size, 10, 'every image puts the nose somewhere else');
});

test('out-of-range settings are refused with the setting named', (t) => {
  t.throws(() => renderFace({ ...grey32, size: 16 }, 0, 0), { message: /size must be an integer in 32\.\.112/ });
  t.throws(() => renderFace({ ...grey32, channels: 2 as 1 }, 0, 0), { message: /channels must be 1 or 3/ });
  t.throws(() => renderFace(grey32, -1, 0), { message: /identity/ });
});
