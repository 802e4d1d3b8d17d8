/** FAR targets: how they are written as JSON keys and how a threshold is read off the impostor tail. */

/** "1e-3" for 0.001: the key format every protocol's JSON uses for FAR targets. */
export function farKey(far: number): string {
  return far.toExponential();
}

/**
 * Whether a target FAR can be measured on a set with `impostorCount` impostor pairs: one false accept is already
 * FAR 1/N, so a target below that reads the curve's origin, not the model. The product is compared with a
 * relative slack of 1e-9 so that 1e-6 · 1,000,000 counts as one pair despite rounding.
 */
export function farResolvable(far: number, impostorCount: number): boolean {
  return far * impostorCount >= 1 - 1e-9;
}

/** `farResolvable` for each target, keyed like the results ("1e-6"). */
export function resolvableTargets(farTargets: readonly number[], impostorCount: number): Record<string, boolean> {
  return Object.fromEntries(farTargets.map((far) => [farKey(far), farResolvable(far, impostorCount)]));
}

/**
 * k = ⌊FAR·N + 1e-9⌋: the number of impostor scores allowed above the threshold, which is then the (k+1)-th
 * largest impostor score. The 1e-9 keeps a whole-number FAR·N (1e-6 · 3,530,000,000 = 3530) from rounding
 * down to one less.
 */
export function impostorsAboveThreshold(far: number, impostorCount: number): number {
  return Math.floor(far * impostorCount + 1e-9);
}

/**
 * TAR at a FAR (MegaFace rule): threshold t = the (k+1)-th largest impostor score, TAR = fraction of genuine
 * scores strictly above t. `impostorTopDescending` must hold at least the k+1 largest impostor scores,
 * largest first; when k reaches the number of impostors every genuine score counts.
 */
export function tarAtFarFromTail(genuine: ArrayLike<number>, impostorTopDescending: ArrayLike<number>, impostorCount: number, far: number): number {
  const k = impostorsAboveThreshold(far, impostorCount);
  if (k >= impostorCount) return genuine.length === 0 ? 0 : 1;
  if (k >= impostorTopDescending.length) {
    throw new Error(`impostor tail holds ${impostorTopDescending.length} scores; FAR ${far} needs ${k + 1}`);
  }
  const threshold = impostorTopDescending[k];
  let above = 0;
  for (let i = 0; i < genuine.length; i++) if (genuine[i] > threshold) above++;
  return genuine.length === 0 ? 0 : above / genuine.length;
}
