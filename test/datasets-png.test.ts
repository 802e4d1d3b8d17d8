import test from 'ava';
import sharp from 'sharp';
import { encodePng } from '../harness/data/synthetic/png.js';

// random bytes are the hardest case for the Sub filter's wrap-around arithmetic; sharp (libvips/libspng)
// decodes, so the check is independent of our encoder
for (const channels of [1, 3] as const) {
  test(`a ${channels}-channel PNG decodes to exactly the pixels encoded`, async (t) => {
    const width = 37;
    const height = 23;
    const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 7919 + (i >> 3) * 104729) % 256);
    const png = encodePng(pixels, width, height, channels);
    const meta = await sharp(png).metadata();
    t.like(meta, { format: 'png', width, height, channels, depth: 'uchar' });
    const decoded = await sharp(png).toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer();
    t.deepEqual(new Uint8Array(decoded), pixels);
  });
}

test('a buffer of the wrong length is refused', (t) => {
  t.throws(() => encodePng(new Uint8Array(10), 4, 4, 1), { message: /10 bytes for 4×4×1/ });
});
