/**
 * Training batch norm's per-channel arithmetic between its passes, shared by the JavaScript loops
 * (batch-norm-training.ts) and the SIMD kernels' driver (simd/batch-norm-simd.ts), so the formulas live once.
 */

/**
 * Per channel, from Σ(x − shift) and Σ(x − shift)² over `rows` rows: the mean, the biased variance (float32, as
 * returned), and the factor γ/√(σ² + ε) that normalises.
 */
export function normalisationFromShiftedSums(
  sum: ArrayLike<number>,
  squares: ArrayLike<number>,
  shiftBy: ArrayLike<number>,
  gamma: Float32Array,
  rows: number,
  epsilon: number,
): { mean: Float64Array; variance: Float32Array; factor: Float64Array } {
  const channels = gamma.length;
  const mean = new Float64Array(channels);
  const variance = new Float32Array(channels);
  const factor = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const shiftedMean = sum[c]! / rows;
    mean[c] = shiftBy[c]! + shiftedMean;
    variance[c] = Math.max(0, squares[c]! / rows - shiftedMean * shiftedMean);
    factor[c] = gamma[c]! / Math.sqrt(variance[c]! + epsilon);
  }
  return { mean, variance, factor };
}

/**
 * The gradient's per-channel coefficients from Σdy and Σdy·(x − μ) over `rows` rows:
 * dx = γr·(dy − Σdy/M − (x − μ)·r²·Σdy(x − μ)/M) = a·dy + b·(x − μ) + k, and dγ, dβ.
 */
export function gradientCoefficients(
  sumDy: ArrayLike<number>,
  sumDyCentred: ArrayLike<number>,
  gamma: Float32Array,
  variance: Float32Array,
  rows: number,
  epsilon: number,
): { a: Float64Array; b: Float64Array; k: Float64Array; dGamma: Float32Array; dBeta: Float32Array } {
  const channels = gamma.length;
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  const dGamma = new Float32Array(channels);
  const dBeta = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt(variance[c]! + epsilon);
    a[c] = gamma[c]! * r;
    b[c] = (-a[c]! * r * r * sumDyCentred[c]!) / rows;
    k[c] = (-a[c]! * sumDy[c]!) / rows;
    dGamma[c] = sumDyCentred[c]! * r;
    dBeta[c] = sumDy[c]!;
  }
  return { a, b, k, dGamma, dBeta };
}
