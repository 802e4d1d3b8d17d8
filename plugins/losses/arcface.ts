import { arcMargin, cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * ArcFace (Deng et al., CVPR 2019): an additive angular margin on the target, s·cos(θ_y + m).
 * Where θ_y + m would pass π, cos(θ_y + m) turns back up; insightface's fallback s·(cos θ_y − m·sin m) keeps the
 * target logit falling as θ_y grows (`arcMargin` in the kit, shared with CurricularFace and Sub-center ArcFace).
 */
export default defineLoss({
  name: 'arcface',
  title: 'ArcFace',
  summary: 'additive angular margin: s·cos(θ_y + m)',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.5, min: 0, max: Math.PI / 2, doc: 'additive angular margin, radians' },
  },
  createHead(ctx) {
    const { s, m } = ctx.params;
    return cosineHead(ctx, { scale: s, targetLogit: (cos) => arcMargin(cos, m) });
  },
});
