import * as tf from '@tensorflow/tfjs';
import { headLoss } from './kit.js';
import type { ForwardContext, LossHead } from './contract.js';

export interface HeadPass {
  loss: number;
  logits: tf.Tensor2D;
  /** d loss / d embeddings, N×D. */
  gradEmbeddings: tf.Tensor2D;
  /** d loss / d W, D×C. */
  gradWeights: tf.Tensor2D;
  /** Gradients of every head variable, in `head.variables` order. */
  gradVariables: tf.Tensor[];
}

/**
 * One forward and backward pass of a head alone on given embeddings (no backbone): what `plugins probe` prints
 * and `plugins check` inspects. The caller disposes the returned tensors.
 */
export function headPass(head: LossHead, embeddings: tf.Tensor2D, labels: tf.Tensor1D, ctx: ForwardContext): HeadPass {
  const x = tf.variable(embeddings, true);
  try {
    let logits: tf.Tensor2D | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = head.forward(x, labels, ctx);
      logits = tf.keep(out.logits);
      return headLoss(out, labels);
    }, [x, ...head.variables]);
    const loss = value.dataSync()[0]!;
    value.dispose();
    const gradVariables = head.variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    return {
      loss,
      logits: logits!,
      gradEmbeddings: grads[x.name] as tf.Tensor2D,
      gradWeights: (grads[head.classWeights.name] ?? tf.zerosLike(head.classWeights)) as tf.Tensor2D,
      gradVariables,
    };
  } finally {
    x.dispose();
  }
}
