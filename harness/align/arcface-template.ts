import type { Point } from './similarity-transform.js';

/**
 * insightface's five-point template for 112×112 crops (arcface_dst): left eye, right eye, nose tip, left and
 * right mouth corners, in pixels.
 */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * The template for a square crop of `size` pixels, as insightface's estimate_norm scales it: multiples of 112
 * scale directly; other sizes (e.g. 128) scale by size/128 and shift right by 8·size/128.
 */
export function arcfaceTemplate(size = 112): Point[] {
  const [ratio, shiftX] = size % 112 === 0 ? [size / 112, 0] : [size / 128, (8 * size) / 128];
  return ARCFACE_TEMPLATE_112.map(([x, y]): Point => [x * ratio + shiftX, y * ratio]);
}
