import type { Point } from '../align/similarity-transform.js';

/**
 * Reduces 68 iBUG landmarks (0-based) to the five points of the alignment templates, in their order: the
 * image-left eye centre (mean of 36–41), the image-right eye centre (42–47), the nose tip (30) and the
 * image-left (48) and image-right (54) mouth corners.
 */
export function fivePointsFrom68(landmarks: readonly Point[]): Point[] {
  if (landmarks.length !== 68) throw new Error(`fivePointsFrom68: expected 68 landmarks, got ${landmarks.length}`);
  const centre = (from: number, to: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += landmarks[i]![0];
      y += landmarks[i]![1];
    }
    return [x / (to - from + 1), y / (to - from + 1)];
  };
  return [centre(36, 41), centre(42, 47), landmarks[30]!, landmarks[48]!, landmarks[54]!];
}
