import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * The parts of @vladmandic/face-api this project uses, typed narrowly so that the package's own bundled tfjs
 * typings never meet ours. Its node-wasm build requires '@tensorflow/tfjs' itself, which resolves to the same
 * tfjs instance (one global engine) as the rest of the harness: the nets run on whatever backend is active.
 */
export interface FaceApiBox {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface FaceApiDetection {
  score: number;
  box: FaceApiBox;
}
export interface FaceApiLandmarks {
  positions: { x: number; y: number }[];
}
interface Loadable {
  loadFromDisk(dir: string): Promise<void>;
  isLoaded: boolean;
}
export interface FaceApi {
  nets: {
    ssdMobilenetv1: Loadable & { locateFaces(input: tf.Tensor3D, options: unknown): Promise<FaceApiDetection[]> };
    tinyFaceDetector: Loadable & { locateFaces(input: tf.Tensor3D, options: unknown): Promise<FaceApiDetection[]> };
    faceLandmark68Net: Loadable & { detectLandmarks(input: tf.Tensor3D): Promise<FaceApiLandmarks> };
    faceRecognitionNet: Loadable & { forwardInput(input: unknown): tf.Tensor2D };
  };
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults?: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  /** Wraps tensors as the nets' batch input (resize to the net's size happens inside). */
  toNetInput(input: tf.Tensor3D[]): Promise<unknown>;
}

export type FaceNetName = keyof FaceApi['nets'];

const PACKAGE = '@vladmandic/face-api';
const require = createRequire(import.meta.url);
let cached: FaceApi | undefined;

function missingPackage(e: unknown): UserError {
  return new UserError(
    `the pretrained face models come from the npm package ${PACKAGE}, which is not installed (${(e as Error).message.split('\n')[0]}); ` +
      `add it with: npm install --save ${PACKAGE}`,
  );
}

/** face-api's weights folder (model/ inside the npm package): nothing is downloaded at run time. */
export function faceApiModelDir(): string {
  try {
    return join(dirname(require.resolve(`${PACKAGE}/package.json`)), 'model');
  } catch (e) {
    throw missingPackage(e);
  }
}

function faceApi(): FaceApi {
  if (cached) return cached;
  try {
    cached = require(`${PACKAGE}/dist/face-api.node-wasm.js`) as FaceApi;
  } catch (e) {
    throw missingPackage(e);
  }
  return cached;
}

/** face-api with the named nets' weights loaded from the package (each net loaded once per process). */
export async function loadFaceApi(nets: readonly FaceNetName[]): Promise<FaceApi> {
  const api = faceApi();
  const dir = faceApiModelDir();
  for (const name of nets) if (!api.nets[name].isLoaded) await api.nets[name].loadFromDisk(dir);
  return api;
}
