/**
 * The checks of a head's outputs that both `flb plugins check` and `flb train` make, worded once so that a plugin
 * failing in training reads exactly as it does in the conformance suite. Each returns null when the output is
 * right, else what is wrong.
 */

/** The conformance suite's names of the checks these messages belong to. */
export const CHECK_NAMES = {
  weights: 'creates a head with default parameters',
  shapes: 'output shapes',
  finite: 'finite loss and gradients on a random batch',
} as const;

export function classWeightsProblem(shape: readonly number[], embeddingDim: number, numClasses: number): string | null {
  const found = shape.join('×');
  return found === `${embeddingDim}×${numClasses}` ? null : `classWeights is ${found}, expected ${embeddingDim}×${numClasses} (D×C)`;
}

export function logitsShapeProblem(shape: readonly number[], batchSize: number, numClasses: number): string | null {
  const found = shape.join('×');
  return found === `${batchSize}×${numClasses}` ? null : `logits are ${found}, expected ${batchSize}×${numClasses} (N×C: a row per sample, a column per class)`;
}

export function finiteLogitsProblem(allFinite: boolean): string | null {
  return allFinite ? null : 'logits are not all finite';
}

/** One line in the conformance suite's words: `<check name>: <problem>`. */
export function failedCheckLine(check: keyof typeof CHECK_NAMES, problem: string): string {
  return `${CHECK_NAMES[check]}: ${problem}`;
}
