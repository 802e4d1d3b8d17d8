import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';

/** CosFace / AM-Softmax (Wang et al., CVPR 2018): an additive cosine margin on the target, s·(cos θ_y − m). */
export default defineLoss({
  name: 'cosface',
  title: 'CosFace',
  summary: 'additive cosine margin: s·(cos θ_y − m)',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    m: { default: 0.35, min: 0, max: 2, doc: 'additive cosine margin' },
  },
  createHead(ctx) {
    const { s, m } = ctx.params;
    return cosineHead(ctx, {
      scale: s,
      targetLogit: (cos) => tf.sub(cos, m),
    });
  },
});
