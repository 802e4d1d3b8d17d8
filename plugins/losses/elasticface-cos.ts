import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * ElasticFace-Cos (Boutros et al., CVPRW 2022; fdbtrs/ElasticFace, utils/losses.py `ElasticCosFace`): CosFace
 * with a margin drawn afresh for every sample at every training step, m_i ~ N(m, σ²): target s·(cos θ_y − m_i),
 * other logits s·cos θ_j. The draws are seeded by the run's seed and the step (reproducible, and the same after
 * --resume); evaluation uses the mean margin m.
 */
export default defineLoss({
  name: 'elasticface-cos',
  title: 'ElasticFace-Cos',
  summary: 'CosFace with a per-sample margin drawn from N(m, σ²) each step',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.35, min: 0, max: 2, doc: 'mean additive cosine margin' },
    sigma: { default: 0.05, min: 0, max: 1, doc: 'standard deviation of the margin' },
  },
  createHead(ctx) {
    const { s, m, sigma } = ctx.params;
    return cosineHead(ctx, {
      scale: s,
      targetLogit: (cos, batch) => tf.sub(cos, batch.training ? batch.drawNormal(m, sigma) : m),
    });
  },
});
