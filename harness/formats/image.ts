import sharp from 'sharp';
import { UserError } from '../core/errors.js';

/** insightface's input normalisation, shared by every reader. */
export function normalisePixel(v: number): number {
  return (v - 127.5) / 128;
}

/** What the backbone wants: [height, width] and grey (1) or RGB (3). */
export interface ImageSpec {
  size: readonly [number, number];
  channels: 1 | 3;
}

export interface DecodeOptions extends ImageSpec {
  /** Names an in-memory image in error messages, e.g. "train.rec record 17". */
  label?: string;
}

/** Lower-case extensions decoded as images when listing folders. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.gif']);

/**
 * Decodes a JPEG/PNG/... file or buffer and resizes it to exactly `size`, returning 8-bit HWC pixels.
 * The resize stretches rather than crops, as insightface does when a crop does not match the input size
 * (face crops are already aligned; cropping would cut the face).
 */
export async function decodeImage(source: string | Uint8Array, opts: DecodeOptions): Promise<Uint8Array> {
  const [height, width] = opts.size;
  const label = opts.label ?? (typeof source === 'string' ? source : 'in-memory image');
  // Alpha is dropped first: a grey PNG with alpha would otherwise decode to 2 channels.
  let pipeline = sharp(source, { failOn: 'error' }).resize(width, height, { fit: 'fill' }).removeAlpha();
  pipeline = opts.channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== opts.channels || info.width !== width || info.height !== height) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (e) {
    throw decodeError(e, label);
  }
}

function decodeError(e: unknown, label: string): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || /Input file is missing/.test((e as Error).message)) return new UserError(`image not found: ${label}`);
  return new UserError(`${label}: cannot decode image (${(e as Error).message.trim()}); expected a valid JPEG/PNG image`);
}

/** Decodes an image at its own resolution (for alignment, which needs the original landmark coordinates). */
export async function decodeImageNative(
  source: string | Uint8Array,
  channels: 1 | 3,
  label = typeof source === 'string' ? source : 'in-memory image',
): Promise<{ pixels: Uint8Array; height: number; width: number; channels: 1 | 3 }> {
  let pipeline = sharp(source, { failOn: 'error' }).removeAlpha();
  pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), height: info.height, width: info.width, channels };
  } catch (e) {
    throw decodeError(e, label);
  }
}

/** Resizes raw 8-bit HWC pixels (e.g. a 28×28 MNIST digit) to `spec`, converting grey <-> RGB as needed. */
export async function resizeRaw(
  pixels: Uint8Array,
  from: { height: number; width: number; channels: 1 | 3 },
  spec: ImageSpec,
): Promise<Uint8Array> {
  const [height, width] = spec.size;
  if (from.height === height && from.width === width && from.channels === spec.channels) return pixels;
  let pipeline = sharp(pixels, { raw: from }).resize(width, height, { fit: 'fill' });
  pipeline = spec.channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== spec.channels) throw new Error(`resizeRaw: got ${info.channels} channels, wanted ${spec.channels}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Mirrors HWC pixels left-right (insightface's flip augmentation and test-time flip). */
export function flipHorizontal<T extends Uint8Array | Float32Array>(pixels: T, height: number, width: number, channels: number): T {
  const out = pixels.slice() as T;
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const from = row + x * channels;
      const to = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = pixels[from + c];
    }
  }
  return out;
}

/** Packs 8-bit images into one NHWC float32 batch with insightface's normalisation, as TrainSet.read returns. */
export function toNormalisedBatch(images: readonly Uint8Array[], pixelsPerImage: number): Float32Array {
  const out = new Float32Array(images.length * pixelsPerImage);
  images.forEach((img, i) => {
    if (img.length !== pixelsPerImage) throw new Error(`image ${i} has ${img.length} values, expected ${pixelsPerImage}`);
    const offset = i * pixelsPerImage;
    for (let j = 0; j < pixelsPerImage; j++) out[offset + j] = normalisePixel(img[j]);
  });
  return out;
}
