import * as tf from '@tensorflow/tfjs';
import { angleFromCos, cosineHead, defineLoss } from 'facelossbench/loss-kit';

/**
 * Combined margin (Deng et al., "ArcFace", CVPR 2019, §2.3; deepinsight/insightface, the `margin_softmax` loss of
 * recognition/arcface_mxnet/train.py and `CombinedMarginLoss` of recognition/arcface_torch/losses.py): SphereFace's,
 * ArcFace's and CosFace's margins in one target logit,
 *   s·(cos(m1·θ_y + m2) − m3),   other logits s·cos θ_j.
 * Presets: ArcFace 1/0.5/0, CosFace 1/0/0.35, combined 1/0.3/0.2 (insightface's sample_config `loss.combined`,
 * the default here, as the other two are the `arcface` and `cosface` plugins). As in the authors' formula there
 * is no fallback where m1·θ_y + m2 passes π (the `arcface` plugin has insightface's).
 */
export default defineLoss({
  name: 'combined-margin',
  title: 'Combined margin',
  summary: 'insightface combined margin: s·(cos(m1·θ_y + m2) − m3)',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m1: { default: 1, min: 0.5, max: 4, doc: 'multiplicative angular margin (SphereFace-like)' },
    m2: { default: 0.3, min: 0, max: Math.PI / 2, doc: 'additive angular margin, radians (ArcFace-like)' },
    m3: { default: 0.2, min: 0, max: 2, doc: 'additive cosine margin (CosFace-like)' },
  },
  createHead(ctx) {
    const { s, m1, m2, m3 } = ctx.params;
    return cosineHead(ctx, {
      scale: s,
      targetLogit: (cos) => tf.sub(tf.cos(tf.add(tf.mul(angleFromCos(cos), m1), m2)), m3),
    });
  },
});
