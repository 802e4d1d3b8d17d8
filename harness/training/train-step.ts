import * as tf from '@tensorflow/tfjs';
import { headLoss } from '../plugins/losses/kit.js';
import type { LossHead } from '../plugins/losses/contract.js';

export interface StepResult {
  loss: number;
  /** Samples whose highest plain logit (no margin: LossHead.forward) is their own class: the training accuracy. */
  correct: number;
  /** The same on the logits the loss is computed from (with a margin loss's margin). */
  correctMargin: number;
}

/** Every variable the optimizer updates: the backbone's trainable weights, then the head's. */
export function trainableVariables(model: tf.LayersModel, head: LossHead): tf.Variable[] {
  return [...model.trainableWeights.map((w) => w.read() as tf.Variable), ...head.variables];
}

/**
 * Forward and backward through backbone and head; returns the loss, top-1 hits and the gradients (caller
 * disposes them). BatchNorm runs in training mode and updates its running statistics.
 */
export function lossAndGradients(
  model: tf.LayersModel,
  head: LossHead,
  variables: tf.Variable[],
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  step: number,
  /** Sees the head's logits before the loss is taken (the first step's checks); may throw. */
  inspect?: (logits: tf.Tensor2D) => void,
): StepResult & { grads: tf.Tensor[] } {
  let hits: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const embeddings = model.apply(images, { training: true }) as tf.Tensor2D;
    const out = head.forward(embeddings, labels, { step, training: true });
    inspect?.(out.logits);
    const top1 = (l: tf.Tensor2D) => tf.sum(tf.cast(tf.equal(tf.argMax(l, 1), tf.cast(labels, 'int32')), 'float32'));
    hits = tf.keep(tf.stack([top1(out.plainLogits ?? out.logits), top1(out.logits)]) as tf.Tensor1D);
    return headLoss(out, labels);
  }, variables);
  const [correct, correctMargin] = hits!.dataSync();
  const result = { loss: value.dataSync()[0]!, correct: correct!, correctMargin: correctMargin!, grads: variables.map((v) => grads[v.name]!) };
  tf.dispose([value, hits!]);
  return result;
}
