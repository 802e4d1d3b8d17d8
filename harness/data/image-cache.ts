import { decodeImage, type ImageSpec } from '../formats/image.js';

/**
 * Decoded images kept in memory for the life of the process, least recently used out beyond a byte budget.
 *
 * A sweep trains and evaluates many runs on the same images: the demo decodes its 10,000 training images for
 * every run and its ~15,000 evaluation images for every run's embedding, and decoding (sharp: PNG, resize,
 * colour conversion; for IJB-C a five-point alignment) was most of the evaluation time (bench:sweep). Decoded
 * once at the model's input size, they cost 3 KB each at the demo's 32×32×3 (78 MB for its 25,423 images). The budget is FLB_IMAGE_CACHE_MB (default 1024); 0 turns the cache off.
 * Entries are keyed by source and decode settings, and the cached pixels are never handed out to be written.
 */
const budgetBytes = Number(process.env.FLB_IMAGE_CACHE_MB ?? 1024) * 1024 * 1024;
const entries = new Map<string, Uint8Array>();
let heldBytes = 0;

function remember(key: string, pixels: Uint8Array): void {
  if (pixels.byteLength > budgetBytes) return;
  entries.set(key, pixels);
  heldBytes += pixels.byteLength;
  for (const [oldest, value] of entries) {
    if (heldBytes <= budgetBytes) break;
    entries.delete(oldest);
    heldBytes -= value.byteLength;
  }
}

/**
 * The pixels `decode` produces for `key`, decoded once: later calls with the same key return the same bytes
 * (callers only read them: the training loop normalises into its own batch, embedding copies into tensors).
 */
export async function cachedPixels(key: string, decode: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const hit = entries.get(key);
  if (hit) {
    // Re-insert: Map order is the LRU order.
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  const pixels = await decode();
  remember(key, pixels);
  return pixels;
}

/** An image file decoded at `spec`, through the cache. */
export function decodeImageCached(path: string, spec: ImageSpec): Promise<Uint8Array> {
  return cachedPixels(`${path}|${spec.size[0]}x${spec.size[1]}x${spec.channels}`, () => decodeImage(path, spec));
}

/** What the cache holds now (for benches and tests). */
export function imageCacheStats(): { images: number; bytes: number; budgetBytes: number } {
  return { images: entries.size, bytes: heldBytes, budgetBytes };
}
