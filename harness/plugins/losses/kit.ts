import * as tf from '@tensorflow/tfjs';
import type { ForwardContext, HeadContext, LossHead, LossPlugin, ParamSpecs } from './contract.js';

/**
 * What the cosine-softmax losses share, so that each plugin says only what is its own: how the target logit
 * changes and where the scale comes from. Plugins import it as 'facelossbench/loss-kit'.
 */
export type { LossPlugin, LossHead, HeadContext, ForwardContext, ParamSpecs } from './contract.js';

/** Identity function that lets TypeScript infer the parameter types of a plugin from its `params`. */
export function defineLoss<P extends ParamSpecs>(plugin: LossPlugin<P>): LossPlugin<P> {
  return plugin;
}

/** cos θ is kept this far from ±1 wherever θ or sin θ is taken: their derivatives are infinite at ±1. */
export const COS_EPS = 1e-7;
/** Lower bound of 1 − cos²θ under a square root, for the same reason. */
export const SIN2_EPS = 1e-12;

export function clampCos<T extends tf.Tensor>(cos: T): T {
  return tf.clipByValue(cos, -1 + COS_EPS, 1 - COS_EPS) as T;
}

/** sin θ from cos θ for θ ∈ [0, π], with a finite gradient everywhere. */
export function sinFromCos<T extends tf.Tensor>(cos: T): T {
  return tf.sqrt(tf.maximum(tf.sub(1, tf.square(cos)), SIN2_EPS)) as T;
}

/** θ in radians, from a clamped cos θ. */
export function angleFromCos<T extends tf.Tensor>(cos: T): T {
  return tf.acos(clampCos(cos)) as T;
}

/**
 * `ifAbove` where x > threshold, `otherwise` elsewhere, with gradients flowing through the chosen branch.
 * (tf.where needs a comparison op, and tfjs has no gradient for comparisons; tf.step's gradient is zero.)
 */
export function whereAbove<T extends tf.Tensor>(x: T, threshold: number, ifAbove: T, otherwise: T): T {
  const above = tf.step(tf.sub(x, threshold));
  return tf.add(tf.mul(above, ifAbove), tf.mul(tf.sub(1, above), otherwise)) as T;
}

/** Rows (axis 1) or columns (axis 0) scaled to unit L2 norm; zero vectors stay finite. */
export function l2Normalize<T extends tf.Tensor2D>(x: T, axis: 0 | 1): T {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12))) as T;
}

export function rowNorms(x: tf.Tensor2D): tf.Tensor2D {
  return tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)) as tf.Tensor2D;
}

/** Mean softmax cross-entropy: the loss every head's logits are trained with. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}

/** The class weights W (D×C), initialised N(0, 0.01²) from the run's seed. */
export function classWeights(ctx: HeadContext<unknown>): tf.Variable {
  return tf.variable(tf.randomNormal([ctx.embeddingDim, ctx.numClasses], 0, 0.01, 'float32', ctx.seed), true);
}

/** One batch as a head sees it, for the hooks below. */
export interface Batch extends ForwardContext {
  /** cos θ_{ij} between the batch's embeddings and every class weight, N×C (with gradient). */
  cos: tf.Tensor2D;
  /** ‖x_i‖, N×1 (with gradient). */
  xNorm: tf.Tensor2D;
  labels: tf.Tensor1D;
  /** One-hot of the labels, N×C. */
  targetMask: tf.Tensor2D;
  numClasses: number;
}

/** Replaces the target column of `logits` by `target` (N values), keeping every other logit. */
export function withTargetLogit(logits: tf.Tensor2D, mask: tf.Tensor2D, target: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.mul(logits, tf.sub(1, mask)), tf.mul(mask, tf.expandDims(target, 1))) as tf.Tensor2D;
}

/** Target cosines cos θ_{i,y_i}, N values. */
export function targetCos(batch: Pick<Batch, 'cos' | 'targetMask'>): tf.Tensor1D {
  return tf.sum(tf.mul(batch.cos, batch.targetMask), 1) as tf.Tensor1D;
}

/**
 * Keeps the last batch's cosines so that diagnostics are computed only when asked (every K steps), from the
 * raw angles — before any margin — as the papers plot them.
 */
class AngleTracker {
  private cos: tf.Tensor2D | null = null;
  private mask: tf.Tensor2D | null = null;

  record(cos: tf.Tensor2D, mask: tf.Tensor2D): void {
    this.dispose();
    this.cos = tf.keep(tf.clone(cos));
    this.mask = tf.keep(tf.clone(mask));
  }

  targetAnglesDeg(): Float32Array {
    if (!this.cos || !this.mask) return new Float32Array(0);
    const { cos, mask } = this;
    return tf.tidy(() => tf.mul(angleFromCos(targetCos({ cos, targetMask: mask })), 180 / Math.PI).dataSync() as Float32Array);
  }

  stats(): { thetaMedDeg: number; thetaMeanDeg: number; thetaNonTargetMeanDeg: number } {
    if (!this.cos || !this.mask) return { thetaMedDeg: NaN, thetaMeanDeg: NaN, thetaNonTargetMeanDeg: NaN };
    const target = Array.from(this.targetAnglesDeg());
    const { cos, mask } = this;
    const nonTargetMean = tf.tidy(() => {
      const theta = tf.mul(angleFromCos(cos), 180 / Math.PI);
      const nonTarget = tf.sub(1, mask);
      return tf.div(tf.sum(tf.mul(theta, nonTarget)), tf.maximum(tf.sum(nonTarget), 1)).dataSync()[0]!;
    });
    return {
      thetaMedDeg: median(target),
      thetaMeanDeg: target.reduce((a, b) => a + b, 0) / Math.max(target.length, 1),
      thetaNonTargetMeanDeg: nonTargetMean,
    };
  }

  dispose(): void {
    this.cos?.dispose();
    this.mask?.dispose();
    this.cos = this.mask = null;
  }
}

/** Median of a list (mean of the two middle values when the count is even). */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

export interface CosineHeadSpec {
  /**
   * The scale s of this batch's logits: a number, or a function of the batch returning a number (e.g. dynamic
   * AdaCos, which may update its state here) or an N×1 tensor (e.g. SphereFace's ‖x‖, part of the gradient).
   */
  scale: number | ((batch: Batch) => number | tf.Tensor2D);
  /** The target logit before scaling, from the target cosines cos θ_y (N values). Default: cos θ_y itself. */
  targetLogit?: (cosTarget: tf.Tensor1D, batch: Batch) => tf.Tensor;
  /** Non-trained state, if the head has any. */
  state?: { save(): Record<string, unknown>; load(state: Record<string, unknown>): void };
}

/** One forward pass as a kit head computes it: the logits, the raw cosines for the diagnostics, the scale. */
interface HeadOutput {
  logits: tf.Tensor2D;
  /** The logits without the margin, where they differ (see LossHead.forward). */
  plainLogits?: tf.Tensor2D;
  cos: tf.Tensor2D;
  /** The factor in front of cos θ: a number, or a tensor whose mean is reported. */
  scale: number | tf.Tensor;
}

/**
 * What every kit head shares around its own logits: the trained class weights W, the angle diagnostics, the
 * scale diagnostic, and the state hooks.
 */
function headAround(
  ctx: HeadContext<unknown>,
  compute: (W: tf.Variable<tf.Rank.R2>, x: tf.Tensor2D, labels: tf.Tensor1D, targetMask: tf.Tensor2D, fctx: ForwardContext) => HeadOutput,
  state?: CosineHeadSpec['state'],
): LossHead {
  const W = classWeights(ctx) as tf.Variable<tf.Rank.R2>;
  const angles = new AngleTracker();
  let lastScale = NaN;
  return {
    variables: [W],
    classWeights: W,
    forward(x, labels, fctx) {
      return tf.tidy(() => {
        const targetMask = tf.oneHot(tf.cast(labels, 'int32'), ctx.numClasses) as tf.Tensor2D;
        const out = compute(W, x, labels, targetMask, fctx);
        angles.record(out.cos, targetMask);
        lastScale = typeof out.scale === 'number' ? out.scale : tf.mean(out.scale).dataSync()[0]!;
        return out.plainLogits ? { logits: out.logits, plainLogits: out.plainLogits } : { logits: out.logits };
      });
    },
    diagnostics: () => ({ scale: lastScale, ...angles.stats() }),
    targetAnglesDeg: () => angles.targetAnglesDeg(),
    state: () => state?.save() ?? {},
    load: (saved) => state?.load(saved),
    dispose() {
      W.dispose();
      angles.dispose();
    },
  };
}

/**
 * A head whose logits are s·cos θ_j, with the target logit changed by `targetLogit`: CosFace, ArcFace,
 * SphereFace and AdaCos are each this with their own margin and scale.
 */
export function cosineHead(ctx: HeadContext<unknown>, spec: CosineHeadSpec): LossHead {
  return headAround(
    ctx,
    (W, x, labels, targetMask, fctx) => {
      const cos = tf.matMul(l2Normalize(x, 1), l2Normalize(W, 0)) as tf.Tensor2D;
      const batch: Batch = { ...fctx, cos, xNorm: rowNorms(x), labels, targetMask, numClasses: ctx.numClasses };
      const scale = typeof spec.scale === 'number' ? spec.scale : spec.scale(batch);
      if (!spec.targetLogit) return { logits: tf.mul(cos, scale) as tf.Tensor2D, cos, scale };
      const margined = withTargetLogit(cos, targetMask, spec.targetLogit(targetCos(batch), batch));
      return { logits: tf.mul(margined, scale) as tf.Tensor2D, plainLogits: tf.mul(cos, scale) as tf.Tensor2D, cos, scale };
    },
    spec.state,
  );
}

export interface LinearHeadSpec {
  /** Transforms the embeddings before the (unnormalised) product with W, e.g. L2-softmax's α·x/‖x‖. */
  input?: (x: tf.Tensor2D) => tf.Tensor;
}

/**
 * A head whose logits are f(x)·W_j with W not normalised (Softmax, L2-softmax). Its effective scale is reported
 * as mean‖f(x_i)‖ · mean‖W_j‖, the factor in front of cos θ on average.
 */
export function linearHead(ctx: HeadContext<unknown>, spec: LinearHeadSpec = {}): LossHead {
  return headAround(ctx, (W, x) => {
    const input = (spec.input ? spec.input(x) : x) as tf.Tensor2D;
    const logits = tf.matMul(input, W) as tf.Tensor2D;
    const wNorms = tf.sqrt(tf.maximum(tf.sum(tf.square(W), 0, true), 1e-12));
    const inputNorms = rowNorms(input);
    const cos = tf.div(logits, tf.mul(inputNorms, wNorms)) as tf.Tensor2D;
    return { logits, cos, scale: tf.mul(tf.mean(inputNorms), tf.mean(wNorms)) };
  });
}
