import * as tf from '@tensorflow/tfjs';
import { arcMargin, cosPlusAngle, cosineHead, defineLoss, whereAbove, type Batch } from 'facelossbench/loss-kit';

/**
 * MagFace (Meng et al., CVPR 2021; IrvingMeng/MagFace, models/magface.py): the feature norm a = ‖x‖, clipped to
 * [l_a, u_a], sets the sample's margin m(a) = l_m + (u_m − l_m)·(a − l_a)/(u_a − l_a), so that confident
 * (large-norm) samples get larger margins; the target logit is s·cos(θ_y + m(a)), kept at s·cos θ_y where
 * cos θ_y ≤ 0 (the authors' easy margin, MagLinear's default; with easyMargin=false, ArcFace's fallback
 * s·(cos θ_y − m·sin m) past θ_y + m = π); other logits s·cos θ_j. The gradient reaches ‖x‖ through m(a).
 * Added to the loss: λ_g·mean_i(a_i/u_a² + 1/a_i), which pulls the norms towards the easy/hard ordering.
 * λ_g = 35 is the authors' training script (run/run.sh); trainer.py's default 20 is below the λ_g ≥ 22.6 their
 * own check (s·k·u_a²·l_a²/(u_a² − l_a²), k the margin's slope) asks for the regulariser to do its job.
 */
export default defineLoss({
  name: 'magface',
  title: 'MagFace',
  summary: 'margin from the clipped feature norm, plus a norm regulariser λ_g·(a/u_a² + 1/a)',
  params: {
    s: { default: 64, min: 1e-3, max: 1e4, doc: 'scale of the cosine logits' },
    lowerNorm: { default: 10, min: 1e-3, doc: 'l_a, lower bound of the feature norm' },
    upperNorm: { default: 110, min: 1e-3, doc: 'u_a, upper bound of the feature norm' },
    lowerMargin: { default: 0.45, min: 0, max: Math.PI / 2, doc: 'l_m, margin at a = l_a, radians' },
    upperMargin: { default: 0.8, min: 0, max: Math.PI / 2, doc: 'u_m, margin at a = u_a, radians' },
    lambdaG: { default: 35, min: 0, doc: 'λ_g, weight of the norm regulariser' },
    easyMargin: { default: true, doc: 'keep cos θ_y where it is ≤ 0 (authors\' default) instead of ArcFace\'s fallback' },
  },
  validate: ({ params }) =>
    params.lowerNorm < params.upperNorm ? null : `magface: lowerNorm (${params.lowerNorm}) must be below upperNorm (${params.upperNorm})`,
  createHead(ctx) {
    const { s, lowerNorm, upperNorm, lowerMargin, upperMargin, lambdaG, easyMargin } = ctx.params;
    const norms = (batch: Batch) => tf.clipByValue(tf.reshape(batch.xNorm, [-1]), lowerNorm, upperNorm) as tf.Tensor1D;
    const slope = (upperMargin - lowerMargin) / (upperNorm - lowerNorm);
    return cosineHead(ctx, {
      scale: s,
      targetLogit: (cos, batch) => {
        const m = tf.add(tf.mul(tf.sub(norms(batch), lowerNorm), slope), lowerMargin) as tf.Tensor1D;
        return easyMargin ? whereAbove(cos, 0, cosPlusAngle(cos, m), cos) : arcMargin(cos, m);
      },
      extraLoss: (batch) => {
        const a = norms(batch);
        return tf.mul(tf.mean(tf.add(tf.div(a, upperNorm * upperNorm), tf.reciprocal(a))), lambdaG) as tf.Scalar;
      },
    });
  },
});
