import { cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * Fixed AdaCos (Zhang et al., CVPR 2019): no margin, and the scale set from the class count alone,
 * s_f = √2·ln(C − 1), the value that keeps the target probability's curve steep over the useful range of θ.
 */
export default defineLoss({
  name: 'adacos-fixed',
  title: 'Fixed AdaCos',
  summary: 'cosine logits, hyperparameter-free scale √2·ln(C−1)',
  params: {},
  validate: ({ numClasses }) =>
    numClasses >= 3 ? null : `adacos-fixed needs at least 3 classes (got ${numClasses}): its scale √2·ln(C−1) would be ≤ 0`,
  createHead(ctx) {
    return cosineHead(ctx, { scale: Math.SQRT2 * Math.log(ctx.numClasses - 1) });
  },
});
