import { arcMargin, cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * Sub-center ArcFace (Deng et al., ECCV 2020; deepinsight/insightface, recognition/subcenter_arcface): K weight
 * vectors per class, so that noisy samples gather around a sub-centre of their own instead of pulling the
 * dominant one. cos θ_j = max_k cos(x, W_{j,k}) (W is D×C·K, class j's sub-centres in columns j·K … j·K+K−1, as
 * insightface and pytorch-metric-learning lay them out), then ArcFace's target s·cos(θ_y + m), with the
 * fallback s·(cos θ_y − m·sin m) past θ_y + m = π; other logits s·cos θ_j.
 */
export default defineLoss({
  name: 'subcenter-arcface',
  title: 'Sub-center ArcFace',
  summary: 'ArcFace on the closest of K sub-centres per class',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.5, min: 0, max: Math.PI / 2, doc: 'additive angular margin, radians' },
    k: { default: 3, min: 1, max: 100, integer: true, doc: 'sub-centres (weight vectors) per class' },
  },
  createHead(ctx) {
    const { s, m, k } = ctx.params;
    return cosineHead(ctx, { scale: s, subCenters: k, targetLogit: (cos) => arcMargin(cos, m) });
  },
});
