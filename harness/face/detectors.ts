import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import type { FaceBox } from './central-face.js';
import type { FaceApi, FaceNetName } from './faceapi-nets.js';

export const DETECTORS = ['ssd', 'tiny'] as const;
export type DetectorName = (typeof DETECTORS)[number];

/** One detection pass: which detector and the lowest score it keeps. */
export interface DetectionAttempt {
  detector: DetectorName;
  threshold: number;
}

export const DETECTOR_NETS: Record<DetectorName, FaceNetName> = { ssd: 'ssdMobilenetv1', tiny: 'tinyFaceDetector' };

/**
 * Thresholds of the first pass (face-api's stock pipeline used SSD at 0.2) and of the rescue pass by the other
 * detector, which runs only on images the first missed and so can afford to be permissive: on LFW every image
 * holds its person, so a weak detection near the centre beats a blind centre crop.
 */
const FIRST_PASS: Record<DetectorName, number> = { ssd: 0.2, tiny: 0.3 };
const RESCUE_PASS: Record<DetectorName, number> = { ssd: 0.05, tiny: 0.1 };

export function parseDetector(name: string): DetectorName {
  if (!(DETECTORS as readonly string[]).includes(name)) throw new UserError(`unknown detector "${name}"; expected one of ${DETECTORS.join(', ')}`);
  return name as DetectorName;
}

/** The chosen detector first, then the other one at a low threshold, before any fallback. */
export function detectionAttempts(primary: DetectorName): DetectionAttempt[] {
  const other: DetectorName = primary === 'ssd' ? 'tiny' : 'ssd';
  return [
    { detector: primary, threshold: FIRST_PASS[primary] },
    { detector: other, threshold: RESCUE_PASS[other] },
  ];
}

/** tiny's input side: LFW faces are ~110 px in 250 px images, which its 224 grid resolves at a fraction of 416's cost. */
const TINY_INPUT = 224;

/** All faces one detector finds in an RGB image (0–255 floats), as boxes in image pixels. */
export async function detectFaces(api: FaceApi, image: tf.Tensor3D, attempt: DetectionAttempt): Promise<FaceBox[]> {
  const found =
    attempt.detector === 'ssd'
      ? await api.nets.ssdMobilenetv1.locateFaces(image, new api.SsdMobilenetv1Options({ minConfidence: attempt.threshold, maxResults: 20 }))
      : await api.nets.tinyFaceDetector.locateFaces(image, new api.TinyFaceDetectorOptions({ inputSize: TINY_INPUT, scoreThreshold: attempt.threshold }));
  return found.map((d) => ({ x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height, score: d.score }));
}
