/** A detected face box in image pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

/**
 * The face an identity-labelled crop is about: LFW images are centred on the named person, so among several
 * detections the one whose box centre lies nearest the image centre wins (the higher score breaks ties).
 */
export function centralFace<T extends FaceBox>(faces: readonly T[], width: number, height: number): T | null {
  let best: T | null = null;
  let bestDistance = Infinity;
  for (const face of faces) {
    const d = Math.hypot(face.x + face.width / 2 - width / 2, face.y + face.height / 2 - height / 2);
    if (d < bestDistance || (d === bestDistance && best !== null && face.score > best.score)) {
      best = face;
      bestDistance = d;
    }
  }
  return best;
}
