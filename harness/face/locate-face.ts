import * as tf from '@tensorflow/tfjs';
import type { Point } from '../align/similarity-transform.js';
import type { RawImage } from '../align/warp.js';
import { centralFace, type FaceBox } from './central-face.js';
import { detectFaces, type DetectionAttempt, type DetectorName } from './detectors.js';
import type { FaceApi } from './faceapi-nets.js';
import { fivePointsFrom68 } from './five-points.js';

/** The face of an image: which detector found it, its box, and its five alignment points in image pixels. */
export interface LocatedFace {
  detector: DetectorName;
  box: FaceBox;
  points: Point[];
}

/** A detection box cut to whole pixels inside the image, as the landmark net is fed. */
export function clipBox(box: FaceBox, width: number, height: number): { x: number; y: number; width: number; height: number } | null {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.ceil(box.x + box.width));
  const y1 = Math.min(height, Math.ceil(box.y + box.height));
  return x1 - x0 >= 8 && y1 - y0 >= 8 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * Runs the detection attempts in order until one finds a face, takes the face nearest the image centre, and
 * places 68 landmarks in its box (face-api's 68-point net on the box crop, shifted back by the crop's corner —
 * the clipped corner, so boxes overhanging the border stay right). Null when every attempt misses.
 */
export async function locateFace(api: FaceApi, image: RawImage, attempts: readonly DetectionAttempt[]): Promise<LocatedFace | null> {
  const tensor = tf.tidy(() => tf.tensor3d(image.pixels, [image.height, image.width, image.channels], 'int32').toFloat());
  try {
    for (const attempt of attempts) {
      const face = centralFace(await detectFaces(api, tensor, attempt), image.width, image.height);
      const crop = face && clipBox(face, image.width, image.height);
      if (!face || !crop) continue;
      const faceCrop = tf.slice(tensor, [crop.y, crop.x, 0], [crop.height, crop.width, image.channels]);
      try {
        const landmarks = await api.nets.faceLandmark68Net.detectLandmarks(faceCrop);
        const points68 = landmarks.positions.map((p): Point => [p.x + crop.x, p.y + crop.y]);
        return { detector: attempt.detector, box: face, points: fivePointsFrom68(points68) };
      } finally {
        faceCrop.dispose();
      }
    }
    return null;
  } finally {
    tensor.dispose();
  }
}
