/**
 * Least-squares 2-D similarity transform (rotation, uniform scale, translation; no reflection) from point
 * correspondences: what skimage's SimilarityTransform.estimate (Umeyama 1991) computes and insightface uses
 * to align five landmarks to the arcface template.
 *
 * In 2-D, Umeyama's SVD solution has a closed form. With x_i, y_i the centred source and destination points,
 * D = Σ x_i·y_i and C = Σ x_i×y_i (the z of the cross product), the rotation is the angle atan2(C, D) and
 * the scale √(D² + C²) / Σ|x_i|² — also when det(A) < 0, where Umeyama flips the smaller singular value:
 * S1 − S2 then equals the same √(D² + C²)/n. So no SVD is needed.
 */

export type Point = readonly [number, number];

/** Row-major 2×3 affine matrix [[a, b, c], [d, e, f]]: x' = a x + b y + c, y' = d x + e y + f. */
export type Affine = readonly [number, number, number, number, number, number];

export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  if (src.length !== dst.length) throw new Error(`estimateSimilarity: ${src.length} source points but ${dst.length} destination points`);
  const n = src.length;
  if (n < 2) throw new Error('estimateSimilarity: at least two point pairs are needed');
  let sx = 0, sy = 0, dx = 0, dy = 0; // prettier-ignore
  for (let i = 0; i < n; i++) {
    sx += src[i][0];
    sy += src[i][1];
    dx += dst[i][0];
    dy += dst[i][1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let dot = 0;
  let cross = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const xs = src[i][0] - sx;
    const ys = src[i][1] - sy;
    const xd = dst[i][0] - dx;
    const yd = dst[i][1] - dy;
    dot += xs * xd + ys * yd;
    cross += xs * yd - ys * xd;
    spread += xs * xs + ys * ys;
  }
  if (spread === 0) throw new Error('estimateSimilarity: all source points coincide');
  // a = s cos θ, b = s sin θ
  const a = dot / spread;
  const b = cross / spread;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

export function applyAffine(m: Affine, p: Point): [number, number] {
  return [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (det === 0) throw new Error('invertAffine: singular transform');
  const ia = m[4] / det;
  const ib = -m[1] / det;
  const id = -m[3] / det;
  const ie = m[0] / det;
  return [ia, ib, -(ia * m[2] + ib * m[5]), id, ie, -(id * m[2] + ie * m[5])];
}

/** Scale and rotation (degrees) of a similarity, for diagnostics and tests. */
export function similarityParameters(m: Affine): { scale: number; rotationDeg: number; tx: number; ty: number } {
  return { scale: Math.hypot(m[0], m[3]), rotationDeg: (Math.atan2(m[3], m[0]) * 180) / Math.PI, tx: m[2], ty: m[5] };
}
