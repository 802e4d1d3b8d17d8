import * as tf from '@tensorflow/tfjs';
import { stepNormalDraws } from './draws.js';
import type { ForwardContext, HeadContext, HeadOutput, LossHead, LossPlugin, ParamSpecs } from './contract.js';

/**
 * What the cosine-softmax losses share, so that each plugin says only what is its own: how the target logit
 * changes and where the scale comes from. Plugins import it as 'facelossbench/loss-kit'.
 */
export type { LossPlugin, LossHead, HeadContext, HeadOutput, ForwardContext, ParamSpecs } from './contract.js';

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
 * A tensor threshold broadcasts against x, e.g. one per row.
 */
export function whereAbove<T extends tf.Tensor>(x: T, threshold: number | tf.Tensor, ifAbove: T, otherwise: T): T {
  const above = tf.step(tf.sub(x, threshold));
  return tf.add(tf.mul(above, ifAbove), tf.mul(tf.sub(1, above), otherwise)) as T;
}

/** An angular margin: one number, or one per sample (N values, e.g. from the feature norm). */
export type Margin = number | tf.Tensor1D;

// A number margin's cosine and sine are taken in float64, as the first losses always did.
const cosOf = (m: Margin) => (typeof m === 'number' ? Math.cos(m) : tf.cos(m));
const sinOf = (m: Margin) => (typeof m === 'number' ? Math.sin(m) : tf.sin(m));

/** cos(θ + m) from cos θ (θ ∈ [0, π]): cos θ·cos m − sin θ·sin m. */
export function cosPlusAngle(cos: tf.Tensor1D, m: Margin): tf.Tensor1D {
  return tf.sub(tf.mul(cos, cosOf(m)), tf.mul(sinFromCos(cos), sinOf(m))) as tf.Tensor1D;
}

/**
 * ArcFace's target as insightface writes it: cos(θ + m), and past θ + m = π, where that would turn back up,
 * cos θ − m·sin m, so the target logit keeps falling as θ grows.
 */
export function arcMargin(cos: tf.Tensor1D, m: Margin): tf.Tensor1D {
  const fallbackBelow = typeof m === 'number' ? Math.cos(Math.PI - m) : tf.cos(tf.sub(Math.PI, m)); // cos θ below ⇔ θ + m > π
  const shift = typeof m === 'number' ? m * Math.sin(m) : tf.mul(m, tf.sin(m));
  return whereAbove(cos, fallbackBelow, cosPlusAngle(cos, m), tf.sub(cos, shift) as tf.Tensor1D);
}

/** The same values with no gradient behind them (torch's `.detach()`): tfjs has no stop-gradient op. */
export function withoutGradient<T extends tf.Tensor>(t: T): T {
  return tf.tensor(t.dataSync(), t.shape, t.dtype) as T;
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

/** The loss of one forward pass: the logits' mean cross-entropy, plus the head's extra term if it has one. */
export function headLoss(out: HeadOutput, labels: tf.Tensor1D): tf.Scalar {
  const ce = crossEntropy(out.logits, labels);
  return out.extraLoss ? (tf.add(ce, out.extraLoss) as tf.Scalar) : ce;
}

/** The class weights W (D×C, or D×C·K with K vectors per class), initialised N(0, 0.01²) from the run's seed. */
export function classWeights(ctx: HeadContext<unknown>, perClass = 1): tf.Variable {
  return tf.variable(tf.randomNormal([ctx.embeddingDim, ctx.numClasses * perClass], 0, 0.01, 'float32', ctx.seed), true);
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
  /**
   * One value per sample from N(mean, std²), seeded by the run's seed and this step: the same draws on every run
   * of a seed and after --resume. Reported by the head's `draws()`.
   */
  drawNormal(mean: number, std: number): tf.Tensor1D;
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
  /**
   * The other logits before scaling, from all cosines (N×C; the target column is replaced afterwards), e.g.
   * CurricularFace's hard negatives. Default: cos θ_j itself.
   */
  otherLogits?: (cos: tf.Tensor2D, batch: Batch) => tf.Tensor2D;
  /**
   * Updates the head's state from a training batch before its logits are computed (never in evaluation). Runs
   * without gradient: read the values with dataSync, as the state is plain numbers.
   */
  update?: (batch: Batch) => void;
  /** A term added to the loss (MagFace's regulariser), reported as the `extraLoss` diagnostic. */
  extraLoss?: (batch: Batch) => tf.Scalar;
  /** Weight vectors per class (Sub-center ArcFace's K): W is D×C·K and cos θ_j the largest of class j's K cosines. */
  subCenters?: number;
  /** Non-trained state, if the head has any. */
  state?: { save(): Record<string, unknown>; load(state: Record<string, unknown>): void };
}

/** One forward pass as a kit head sees it. */
interface Pass extends ForwardContext {
  W: tf.Variable<tf.Rank.R2>;
  x: tf.Tensor2D;
  labels: tf.Tensor1D;
  targetMask: tf.Tensor2D;
  drawNormal: Batch['drawNormal'];
}

/** One forward pass as a kit head computes it: the logits, the raw cosines for the diagnostics, the scale. */
interface Computed extends HeadOutput {
  cos: tf.Tensor2D;
  /** The factor in front of cos θ: a number, or a tensor whose mean is reported. */
  scale: number | tf.Tensor;
}

/**
 * What every kit head shares around its own logits: the trained class weights W, the angle diagnostics, the
 * scale diagnostic, the seeded draws, and the state hooks.
 */
function headAround(
  ctx: HeadContext<unknown>,
  compute: (pass: Pass) => Computed,
  { state, perClass = 1 }: { state?: CosineHeadSpec['state']; perClass?: number } = {},
): LossHead {
  const W = classWeights(ctx, perClass) as tf.Variable<tf.Rank.R2>;
  const angles = new AngleTracker();
  let lastScale = NaN;
  let lastExtraLoss: number | undefined;
  let draws: number[] = [];
  return {
    variables: [W],
    classWeights: W,
    forward(x, labels, fctx) {
      draws = [];
      return tf.tidy(() => {
        const targetMask = tf.oneHot(tf.cast(labels, 'int32'), ctx.numClasses) as tf.Tensor2D;
        const drawNormal = (mean: number, std: number) => {
          const values = stepNormalDraws(ctx.seed, fctx.step, x.shape[0], mean, std);
          draws = Array.from(values);
          return tf.tensor1d(values);
        };
        const out = compute({ ...fctx, W, x, labels, targetMask, drawNormal });
        angles.record(out.cos, targetMask);
        lastScale = typeof out.scale === 'number' ? out.scale : tf.mean(out.scale).dataSync()[0]!;
        if (out.extraLoss) lastExtraLoss = out.extraLoss.dataSync()[0]!;
        return {
          logits: out.logits,
          ...(out.plainLogits ? { plainLogits: out.plainLogits } : {}),
          ...(out.extraLoss ? { extraLoss: out.extraLoss } : {}),
        };
      });
    },
    diagnostics: () => ({
      scale: lastScale,
      ...angles.stats(),
      ...(lastExtraLoss === undefined ? {} : { extraLoss: lastExtraLoss }),
    }),
    targetAnglesDeg: () => angles.targetAnglesDeg(),
    draws: () => draws,
    state: () => state?.save() ?? {},
    load: (saved) => state?.load(saved),
    dispose() {
      W.dispose();
      angles.dispose();
    },
  };
}

/** cos θ_j of each class: of its one weight vector, or the largest over its K sub-centres (columns j·K … j·K+K−1). */
function classCosines(x: tf.Tensor2D, W: tf.Tensor2D, numClasses: number, perClass: number): tf.Tensor2D {
  const all = tf.matMul(l2Normalize(x, 1), l2Normalize(W, 0)) as tf.Tensor2D;
  return perClass === 1 ? all : (tf.max(tf.reshape(all, [x.shape[0], numClasses, perClass]), 2) as tf.Tensor2D);
}

/**
 * A head whose logits are s·cos θ_j, with the target logit changed by `targetLogit`: CosFace, ArcFace,
 * SphereFace and AdaCos are each this with their own margin and scale.
 */
export function cosineHead(ctx: HeadContext<unknown>, spec: CosineHeadSpec): LossHead {
  const perClass = spec.subCenters ?? 1;
  return headAround(
    ctx,
    ({ W, x, labels, targetMask, drawNormal, step, training }) => {
      const cos = classCosines(x, W, ctx.numClasses, perClass);
      const batch: Batch = { step, training, cos, xNorm: rowNorms(x), labels, targetMask, numClasses: ctx.numClasses, drawNormal };
      if (training) spec.update?.(batch);
      const scale = typeof spec.scale === 'number' ? spec.scale : spec.scale(batch);
      const others = spec.otherLogits ? spec.otherLogits(cos, batch) : cos;
      const unscaled = spec.targetLogit ? withTargetLogit(others, targetMask, spec.targetLogit(targetCos(batch), batch)) : others;
      const logits = tf.mul(unscaled, scale) as tf.Tensor2D;
      const plain = unscaled === cos ? {} : { plainLogits: tf.mul(cos, scale) as tf.Tensor2D };
      return { logits, ...plain, cos, scale, extraLoss: spec.extraLoss?.(batch) };
    },
    { state: spec.state, perClass },
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
  return headAround(ctx, ({ W, x }) => {
    const input = (spec.input ? spec.input(x) : x) as tf.Tensor2D;
    const logits = tf.matMul(input, W) as tf.Tensor2D;
    const wNorms = tf.sqrt(tf.maximum(tf.sum(tf.square(W), 0, true), 1e-12));
    const inputNorms = rowNorms(input);
    const cos = tf.div(logits, tf.mul(inputNorms, wNorms)) as tf.Tensor2D;
    return { logits, cos, scale: tf.mul(tf.mean(inputNorms), tf.mean(wNorms)) };
  });
}
