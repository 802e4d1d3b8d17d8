import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../engine/backend-choice.js';
import { chipBatch, chipOf } from '../face/chip-input.js';
import { DLIB_CHIP_SIZE, dlibResnetForward, loadDlibResnetWeights, type DlibResnetWeights } from '../face/dlib-resnet.js';
import { decodeImageNative } from '../formats/image.js';

/**
 * A pretrained-embedding worker (piscina): decodes its images, runs the dlib ResNet on its own wasm engine
 * and returns one row per image. Each worker thread is a separate tfjs instance, so workers add cores.
 */
export interface PretrainedTask {
  files: string[];
  /** Test-time flip: each row is the sum of the chip's and its mirror image's features. */
  flip: boolean;
  layer: 'embedding' | 'penultimate';
}

let weights: DlibResnetWeights | undefined;

async function ready(): Promise<DlibResnetWeights> {
  if (!weights) {
    await initEngine('wasm');
    weights = loadDlibResnetWeights();
  }
  return weights;
}

export default async function embedChips(task: PretrainedTask): Promise<Float32Array> {
  const w = await ready();
  const chips = await Promise.all(task.files.map(async (f) => chipOf(await decodeImageNative(f, 3), DLIB_CHIP_SIZE)));
  const n = chips.length * (task.flip ? 2 : 1);
  return tf.tidy(() => {
    const x = tf.tensor4d(chipBatch(chips, task.flip), [n, DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, 3]);
    let rows = dlibResnetForward(w, x)[task.layer];
    // Rows 2i and 2i+1 are a chip and its mirror: their sum is the flipped feature.
    if (task.flip) rows = tf.sum(tf.reshape(rows, [chips.length, 2, rows.shape[1]]), 1);
    return rows.dataSync() as Float32Array;
  });
}
