import { invertAffine, type Affine } from './similarity-transform.js';

export interface RawImage {
  /** 8-bit HWC pixels. */
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * Warps an image by `m` (source → destination coordinates, pixel centres at integers) into a
 * height × width output with bilinear interpolation, as cv2.warpAffine(img, m, (w, h)) does with its
 * defaults: neighbours outside the source count as 0 (BORDER_CONSTANT), results rounded to 8 bits.
 */
export function warpAffine(src: RawImage, m: Affine, size: readonly [number, number]): RawImage {
  const [height, width] = size;
  const { pixels, width: sw, height: sh, channels: c } = src;
  const inv = invertAffine(m);
  const out = new Uint8Array(height * width * c);
  const sample = (x: number, y: number, ch: number) => (x >= 0 && y >= 0 && x < sw && y < sh ? pixels[(y * sw + x) * c + ch] : 0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = inv[0] * x + inv[1] * y + inv[2];
      const sy = inv[3] * x + inv[4] * y + inv[5];
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * width + x) * c;
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) continue; // all four neighbours outside: stays 0
      for (let ch = 0; ch < c; ch++) {
        const top = sample(x0, y0, ch) * (1 - fx) + sample(x0 + 1, y0, ch) * fx;
        const bottom = sample(x0, y0 + 1, ch) * (1 - fx) + sample(x0 + 1, y0 + 1, ch) * fx;
        out[o + ch] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { pixels: out, height, width, channels: c };
}
