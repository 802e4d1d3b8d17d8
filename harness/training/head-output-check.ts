import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import type { LossHead } from '../plugins/losses/contract.js';
import { classWeightsProblem, failedCheckLine, finiteLogitsProblem, logitsShapeProblem, type CHECK_NAMES } from '../plugins/losses/output-checks.js';
import type { LoadedLossPlugin } from '../plugins/losses/registry.js';

/**
 * `flb train` does not take a plugin's word for its shapes: a head returning 8×2 logits for 64 classes would
 * otherwise "train" to a loss of zero. The conformance suite's own checks run on the real head (its weights when it
 * is made, its logits at the first step of the process), in the suite's words, before any weight is updated.
 */
function pluginError(loss: LoadedLossPlugin, check: keyof typeof CHECK_NAMES, problem: string, when: string): UserError {
  const ref = loss.builtin ? loss.plugin.name : loss.source;
  const where = loss.builtin ? `loss plugin '${loss.plugin.name}'` : `loss plugin '${loss.plugin.name}' (${loss.source})`;
  return new UserError(`${where} ${when}: ${failedCheckLine(check, problem)}; \`flb plugins check ${ref}\` runs every conformance check`);
}

/** The class weights must be D×C: checked once the head is made. */
export function checkHeadWeights(loss: LoadedLossPlugin, head: LossHead, embeddingDim: number, numClasses: number): void {
  const problem = classWeightsProblem(head.classWeights.shape, embeddingDim, numClasses);
  if (problem) throw pluginError(loss, 'weights', problem, 'when its head was made');
}

/**
 * A check of the first step's logits: N×C always, and all finite when the weights are fresh (step 0), where a
 * NaN is the plugin's fault rather than a divergence. One small reduction, once per process.
 */
export function firstStepLogitsCheck(loss: LoadedLossPlugin, opts: { batchSize: number; numClasses: number; checkFinite: boolean }): (logits: tf.Tensor2D) => void {
  return (logits) => {
    const shape = logitsShapeProblem(logits.shape, opts.batchSize, opts.numClasses);
    if (shape) throw pluginError(loss, 'shapes', shape, 'at its first training step');
    if (!opts.checkFinite) return;
    const finite = finiteLogitsProblem(tf.tidy(() => tf.all(tf.isFinite(logits)).dataSync()[0] === 1));
    if (finite) throw pluginError(loss, 'finite', finite, 'at its first training step');
  };
}
