import type { RawImage } from '../align/warp.js';
import { flipHorizontal } from '../formats/image.js';
import { centreCrop } from './face-crop.js';

/**
 * The chip a pretrained model sees: an image already of the chip size (an aligned dataset) as it is; any other
 * image by its central crop, 0.6 of the shorter side scaled to the chip (for a 250 px LFW image the plain
 * 150 px centre crop, the unaligned baseline).
 */
export function chipOf(image: RawImage, size: number): RawImage {
  return image.width === size && image.height === size ? image : centreCrop(image, size, 0.6);
}

/** Chips packed into one NHWC float batch of 0–255 values; with `mirrored`, each chip's mirror image follows it. */
export function chipBatch(chips: readonly RawImage[], mirrored: boolean): Float32Array {
  const per = chips[0] ? chips[0].pixels.length : 0;
  const out = new Float32Array(chips.length * per * (mirrored ? 2 : 1));
  chips.forEach((chip, i) => {
    if (chip.pixels.length !== per) throw new Error(`chipBatch: chip ${i} has ${chip.pixels.length} values, expected ${per}`);
    if (!mirrored) out.set(chip.pixels, i * per);
    else {
      out.set(chip.pixels, 2 * i * per);
      out.set(flipHorizontal(chip.pixels, chip.height, chip.width, chip.channels), (2 * i + 1) * per);
    }
  });
  return out;
}
