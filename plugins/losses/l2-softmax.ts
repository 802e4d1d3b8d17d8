import * as tf from '@tensorflow/tfjs';
import { defineLoss, l2Normalize, linearHead } from 'facelossbench/loss-kit';

/**
 * L2-constrained softmax (Ranjan et al., 2017): embeddings projected onto a sphere of radius α, W left free.
 * Default α is the paper's lower bound ln(p(C−2)/(1−p)), the smallest radius at which a sample can still reach
 * probability p for its class.
 */
export default defineLoss({
  name: 'l2-softmax',
  title: 'L2-softmax',
  summary: 'logits α·x/‖x‖·W_j, α from the class count by default',
  params: {
    alpha: { default: null, min: 1e-3, max: 1e4, doc: 'radius α of the feature sphere; default ln(p(C−2)/(1−p))' },
    p: { default: 0.9, min: 1e-6, max: 1 - 1e-6, doc: 'target probability in the default α' },
  },
  validate: ({ numClasses, params }) =>
    params.alpha !== null || lowerBoundAlpha(numClasses, params.p) > 0
      ? null
      : `l2-softmax's default alpha ln(p(C−2)/(1−p)) is ≤ 0 for C=${numClasses}, p=${params.p}: set alpha explicitly or raise p`,
  createHead(ctx) {
    const { alpha, p } = ctx.params;
    const radius = alpha ?? lowerBoundAlpha(ctx.numClasses, p);
    return linearHead(ctx, { input: (x) => tf.mul(l2Normalize(x, 1), radius) });
  },
});

function lowerBoundAlpha(numClasses: number, p: number): number {
  return Math.log((p * (numClasses - 2)) / (1 - p));
}
