import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../plugins/losses/kit.js';
import type { LossHead } from '../plugins/losses/contract.js';

export interface StepResult {
  loss: number;
  /** Samples whose highest logit is their own class. */
  correct: number;
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
): StepResult & { grads: tf.Tensor[] } {
  let correct: tf.Scalar | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const embeddings = model.apply(images, { training: true }) as tf.Tensor2D;
    const { logits } = head.forward(embeddings, labels, { step, training: true });
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar);
    return crossEntropy(logits, labels);
  }, variables);
  const result = { loss: value.dataSync()[0]!, correct: correct!.dataSync()[0]!, grads: variables.map((v) => grads[v.name]!) };
  tf.dispose([value, correct!]);
  return result;
}
