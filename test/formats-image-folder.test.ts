import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openImageFolder } from '../harness/data/readers/image-folder.js';
import { decodeImage, flipHorizontal } from '../harness/formats/image.js';
import { UserError } from '../harness/core/errors.js';

const root = mkdtempSync(join(tmpdir(), 'flb-imgfolder-'));

/** A lossless RGB PNG of `width`×`height` where pixel (x, y) = fn(x, y). */
async function png(path: string, width: number, height: number, fn: (x: number, y: number) => [number, number, number]) {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(fn(x, y), (y * width + x) * 3);
  writeFileSync(path, await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

test.before(async () => {
  // Classes deliberately created out of order; files too.
  for (const [identity, files] of [['Zed', ['b.png', 'a.png']], ['Amy', ['2.png', '1.png', '10.png']]] as const) {
    mkdirSync(join(root, 'faces', identity), { recursive: true });
    for (const f of files) {
      const grey = identity === 'Amy' ? 10 * Number.parseInt(f, 10) : f === 'a.png' ? 255 : 0;
      await png(join(root, 'faces', identity, f), 6, 4, () => [grey, grey, grey]);
    }
  }
  writeFileSync(join(root, 'faces', 'README.txt'), 'not an identity');
  writeFileSync(join(root, 'faces', 'Zed', 'notes.txt'), 'not an image');
});

test('classes are sorted sub-folders, images sorted inside, labels follow', async (t) => {
  const set = await openImageFolder(join(root, 'faces'), { size: [2, 3], channels: 1 });
  t.deepEqual(set.classes, ['Amy', 'Zed']);
  t.deepEqual(set.images.map((i) => i.key), ['Amy/1.png', 'Amy/10.png', 'Amy/2.png', 'Zed/a.png', 'Zed/b.png']);
  t.is(set.numClasses, 2);
  t.is(set.size, 5);
  t.deepEqual([0, 1, 2, 3, 4].map((i) => set.labelOf(i)), [0, 0, 0, 1, 1]);
  t.deepEqual(set.shape, [2, 3, 1]);
  // Amy/10.png is grey 100 and Zed/a.png grey 255: (v - 127.5) / 128, resized 6×4 -> 3×2 stays uniform.
  const batch = await set.read([1, 3]);
  t.is(batch.length, 2 * 6);
  for (let i = 0; i < 6; i++) t.is(batch[i], (100 - 127.5) / 128);
  for (let i = 6; i < 12; i++) t.is(batch[i], (255 - 127.5) / 128);
});

test('decodeImage returns HWC pixels of the requested size and channels', async (t) => {
  const p = join(root, 'gradient.png');
  await png(p, 4, 2, (x, y) => [10 * x, 100 + y, 200]);
  const rgb = await decodeImage(p, { size: [2, 4], channels: 3 });
  t.deepEqual(Array.from(rgb.subarray(0, 6)), [0, 100, 200, 10, 100, 200]);
  t.deepEqual(Array.from(rgb.subarray(12, 15)), [0, 101, 200]); // row 1, column 0
  const flipped = flipHorizontal(rgb, 2, 4, 3);
  t.deepEqual(Array.from(flipped.subarray(0, 6)), [30, 100, 200, 20, 100, 200]);
  t.deepEqual(Array.from(flipped.subarray(21, 24)), [0, 101, 200]); // row 1, column 3
});

test('a corrupt image names the file', async (t) => {
  const dir = join(root, 'corrupt', 'Bob');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
  const set = await openImageFolder(join(root, 'corrupt'), { size: [4, 4], channels: 3 });
  const e = await t.throwsAsync(set.read([0]), { instanceOf: UserError });
  t.regex(e?.message ?? '', /Bob\/broken\.jpg: cannot decode image/);
});

test('missing folder, empty identity folder and no identities are clear errors', async (t) => {
  await t.throwsAsync(openImageFolder(join(root, 'nope'), { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /image folder not found/ });
  mkdirSync(join(root, 'empty-id', 'Carl'), { recursive: true });
  await t.throwsAsync(openImageFolder(join(root, 'empty-id'), { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /Carl: identity folder has no images/ });
  mkdirSync(join(root, 'flat'), { recursive: true });
  await t.throwsAsync(openImageFolder(join(root, 'flat'), { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /no identity sub-folders/ });
  await t.throwsAsync(decodeImage(join(root, 'absent.jpg'), { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /image not found: .*absent\.jpg/ });
});

test('images with alpha decode to the requested channels (alpha dropped)', async (t) => {
  const rgba = await sharp(Buffer.alloc(2 * 2 * 4, 200), { raw: { width: 2, height: 2, channels: 4 } }).png().toBuffer();
  t.deepEqual([...(await decodeImage(rgba, { size: [2, 2], channels: 1 }))], [200, 200, 200, 200]);
  t.is((await decodeImage(rgba, { size: [2, 2], channels: 3 })).length, 12);
  const greyAlpha = await sharp(Buffer.alloc(2 * 2 * 2, 90), { raw: { width: 2, height: 2, channels: 2 } }).png().toBuffer();
  t.deepEqual([...(await decodeImage(greyAlpha, { size: [2, 2], channels: 3 }))], new Array(12).fill(90));
});
