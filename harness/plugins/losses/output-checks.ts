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

/** W is D×C, or D×C·K for a head with K weight vectors per class (Sub-center ArcFace). */
export function classWeightsProblem(shape: readonly number[], embeddingDim: number, numClasses: number): string | null {
  const [rows, columns = 0] = shape;
  if (shape.length === 2 && rows === embeddingDim && columns >= numClasses && columns % numClasses === 0) return null;
  return `classWeights is ${shape.join('×')}, expected ${embeddingDim}×${numClasses} (D×C), or D×C·K for K vectors per class`;
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
