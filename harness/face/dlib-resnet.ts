import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { faceApiModelDir } from './faceapi-nets.js';
import { readJsonFile } from '../core/read-file.js';

/**
 * dlib's face-recognition ResNet (dlib_face_recognition_resnet_model_v1, as face-api ships it: 8-bit quantised
 * tfjs weights) as plain tfjs ops, so it can run as a frozen trunk and expose its 256-d pooled features as well
 * as the 128-d descriptor. Input: 150×150 RGB chips, 0–255.
 */
export const DLIB_CHIP_SIZE = 150;
export const DLIB_PENULTIMATE_DIM = 256;
export const DLIB_EMBEDDING_DIM = 128;
/** dlib's per-channel input mean (RGB); inputs are then scaled by 1/255. */
const MEAN_RGB = [122.782, 117.001, 104.298];
const MANIFEST = 'face_recognition_model-weights_manifest.json';

export type DlibResnetWeights = tf.NamedTensorMap;

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Reads the weights from the npm package synchronously (no download; decoded from their 8-bit quantisation). */
export function loadDlibResnetWeights(dir = faceApiModelDir()): DlibResnetWeights {
  const manifestPath = join(dir, MANIFEST);
  const groups = readJsonFile(manifestPath, 'face-recognition weights manifest') as ManifestGroup[];
  const weights: tf.NamedTensorMap = {};
  for (const group of groups) {
    const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    Object.assign(weights, tf.io.decodeWeights(buffer, group.weights));
  }
  if (!weights.fc) throw new UserError(`${manifestPath}: no "fc" weights; expected dlib's face-recognition ResNet`);
  return weights;
}

function param(w: DlibResnetWeights, name: string): tf.Tensor {
  const t = w[name];
  if (!t) throw new Error(`dlib ResNet weights: "${name}" is missing`);
  return t;
}

/** conv → bias → per-channel affine ("scale" layer, dlib's folded batch norm) → optional ReLU. */
function convUnit(w: DlibResnetWeights, name: string, x: tf.Tensor4D, stride: 1 | 2, relu: boolean): tf.Tensor4D {
  const padding = stride === 2 ? 'valid' : 'same';
  let y = tf.add(tf.conv2d(x, param(w, `${name}/conv/filters`) as tf.Tensor4D, stride, padding), param(w, `${name}/conv/bias`));
  y = tf.add(tf.mul(y, param(w, `${name}/scale/weights`)), param(w, `${name}/scale/biases`));
  return (relu ? tf.relu(y) : y) as tf.Tensor4D;
}

function residual(w: DlibResnetWeights, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const y = convUnit(w, `${name}/conv2`, convUnit(w, `${name}/conv1`, x, 1, true), 1, false);
  return tf.relu(tf.add(y, x)) as tf.Tensor4D;
}

/**
 * The downsampling block: a strided valid conv branch and a 2×2 average-pooled shortcut whose extra channels are
 * zero; the conv branch comes out one row and column short of the pool on even sides and is zero-padded at the
 * bottom and right to match (dlib's add_prev semantics).
 */
function residualDown(w: DlibResnetWeights, name: string, x: tf.Tensor4D): tf.Tensor4D {
  let y = convUnit(w, `${name}/conv2`, convUnit(w, `${name}/conv1`, x, 2, true), 1, false);
  let pooled = tf.avgPool(x, 2, 2, 'valid');
  const [, ph, pw, pc] = pooled.shape;
  const [, yh, yw, yc] = y.shape;
  if (yh !== ph || yw !== pw) y = tf.pad(y, [[0, 0], [0, ph - yh], [0, pw - yw], [0, 0]]);
  if (yc !== pc) pooled = tf.pad(pooled, [[0, 0], [0, 0], [0, 0], [0, yc - pc]]);
  return tf.relu(tf.add(pooled, y)) as tf.Tensor4D;
}

/** Forward pass on [N, 150, 150, 3] RGB chips (0–255): the 256-d average-pooled features and the 128-d descriptor. */
export function dlibResnetForward(w: DlibResnetWeights, chips: tf.Tensor4D): { penultimate: tf.Tensor2D; embedding: tf.Tensor2D } {
  return tf.tidy(() => {
    let x = tf.div(tf.sub(chips, tf.tensor1d(MEAN_RGB)), 255) as tf.Tensor4D;
    x = convUnit(w, 'conv32_down', x, 2, true);
    x = tf.maxPool(x, 3, 2, 'valid');
    for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(w, block, x);
    x = residualDown(w, 'conv64_down', x);
    for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(w, block, x);
    x = residualDown(w, 'conv128_down', x);
    for (const block of ['conv128_1', 'conv128_2']) x = residual(w, block, x);
    x = residualDown(w, 'conv256_down', x);
    for (const block of ['conv256_1', 'conv256_2']) x = residual(w, block, x);
    x = residualDown(w, 'conv256_down_out', x);
    const penultimate = tf.mean(x, [1, 2]) as tf.Tensor2D;
    return { penultimate, embedding: tf.matMul(penultimate, param(w, 'fc') as tf.Tensor2D) };
  });
}
