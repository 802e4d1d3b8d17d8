/**
 * The few raster primitives the synthetic face generator paints with, written directly into float RGB planes
 * (no canvas dependency, so generation stays fast in plain TypeScript). Shapes are described by an
 * approximate signed distance in the face's own coordinates; coverage comes from that distance divided by
 * the pixel size there, which gives cheap anti-aliasing at any scale or rotation.
 */

export type Rgb = readonly [number, number, number];

/** Float RGB planes in [0, 1], row-major, one value per pixel per plane. */
export interface Canvas {
  readonly size: number;
  readonly r: Float32Array;
  readonly g: Float32Array;
  readonly b: Float32Array;
}

const canvases = new Map<number, Canvas>();

/**
 * The canvas of a `size` image, reused from one image to the next (rendering is synchronous, so one per
 * size suffices): allocating fresh planes per image made garbage collection a large share of the cost.
 * Its contents are left over from the previous image; painting must cover every pixel.
 */
export function borrowCanvas(size: number): Canvas {
  let canvas = canvases.get(size);
  if (!canvas) {
    const n = size * size;
    canvas = { size, r: new Float32Array(n), g: new Float32Array(n), b: new Float32Array(n) };
    canvases.set(size, canvas);
  }
  return canvas;
}

/** Fraction of a pixel covered by a shape whose signed distance (negative inside) is `d`. */
export function coverage(d: number, pixel: number): number {
  const c = 0.5 - d / pixel;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

/**
 * Approximate signed distance to an axis-aligned ellipse: the implicit function divided by its gradient
 * length, exact on the boundary and good enough near it, which is all coverage needs.
 */
export function ellipseDistance(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const dx = x - cx;
  const dy = y - cy;
  const k = Math.sqrt((dx * dx) / (rx * rx) + (dy * dy) / (ry * ry));
  if (k < 1e-6) return -Math.min(rx, ry);
  const gx = dx / (rx * rx);
  const gy = dy / (ry * ry);
  return ((k - 1) * k) / Math.sqrt(gx * gx + gy * gy);
}

/** Signed distance to a rounded band of half-thickness `halfWidth` around the curve y = f(x), x in [x0, x1]. */
export function bandDistance(x: number, y: number, curveY: number, x0: number, x1: number, halfWidth: number): number {
  const across = Math.abs(y - curveY) - halfWidth;
  const along = Math.max(x0 - x, x - x1, 0);
  return along > 0 ? Math.hypot(along, Math.max(across, 0)) : across;
}

/** Paints `colour` over pixel `i` with opacity `alpha`. */
export function blend(canvas: Canvas, i: number, colour: Rgb, alpha: number): void {
  if (alpha <= 0) return;
  const keep = 1 - alpha;
  canvas.r[i] = canvas.r[i]! * keep + colour[0] * alpha;
  canvas.g[i] = canvas.g[i]! * keep + colour[1] * alpha;
  canvas.b[i] = canvas.b[i]! * keep + colour[2] * alpha;
}

/** Separable Gaussian blur in place (edges clamped); sigma in pixels, skipped when too small to matter. */
export function gaussianBlur(canvas: Canvas, sigma: number): void {
  if (sigma < 0.2) return;
  const radius = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp((-k * k) / (2 * sigma * sigma));
    kernel[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] = kernel[k]! / sum;
  const size = canvas.size;
  const scratch = borrowScratch(size * size);
  for (const plane of [canvas.r, canvas.g, canvas.b]) {
    convolve(plane, scratch, kernel, radius, size, 1, size);
    convolve(scratch, plane, kernel, radius, size, size, 1);
  }
}

let scratchPlane = new Float32Array(0);
function borrowScratch(length: number): Float32Array {
  if (scratchPlane.length !== length) scratchPlane = new Float32Array(length);
  return scratchPlane;
}

/** One 1-D pass: `step` moves along the blurred axis, `lineStep` between lines. */
function convolve(src: Float32Array, dst: Float32Array, kernel: Float32Array, radius: number, size: number, step: number, lineStep: number): void {
  for (let line = 0; line < size; line++) {
    const base = line * lineStep;
    for (let p = 0; p < size; p++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) {
        const q = p + k < 0 ? 0 : p + k >= size ? size - 1 : p + k;
        acc += kernel[k + radius]! * src[base + q * step]!;
      }
      dst[base + p * step] = acc;
    }
  }
}

/** Quantises the planes to HWC uint8, as grayscale (ITU-R BT.601 luma) or RGB. */
export function toUint8(canvas: Canvas, channels: 1 | 3): Uint8Array {
  const n = canvas.size * canvas.size;
  const out = new Uint8Array(n * channels);
  const q = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
  for (let i = 0; i < n; i++) {
    if (channels === 1) {
      out[i] = q(0.299 * canvas.r[i]! + 0.587 * canvas.g[i]! + 0.114 * canvas.b[i]!);
    } else {
      out[3 * i] = q(canvas.r[i]!);
      out[3 * i + 1] = q(canvas.g[i]!);
      out[3 * i + 2] = q(canvas.b[i]!);
    }
  }
  return out;
}
