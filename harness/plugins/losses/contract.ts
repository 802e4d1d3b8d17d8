import type * as tf from '@tensorflow/tfjs';
import type { ParamSpecs, ParamValues } from '../params.js';

export type { ParamSpec, ParamSpecs, ParamValues } from '../params.js';

/**
 * The contract between a loss plugin and the harness. A plugin file under plugins/losses/ default-exports a
 * LossPlugin; kit.ts has the helpers that make one a few dozen lines.
 */

export interface HeadContext<V = Record<string, number | boolean | null>> {
  numClasses: number;
  embeddingDim: number;
  params: V;
  /** Seeds the class-weight initialisation, so a run is reproducible. */
  seed: number;
}

export interface ForwardContext {
  /** Training step (0-based): schedules such as SphereFace's λ read it. */
  step: number;
  /** False during evaluation: adaptive state (dynamic AdaCos's scale) must not change then. */
  training: boolean;
}

export interface HeadOutput {
  logits: tf.Tensor2D;
  /**
   * For a margin loss, the same logits without the margin (s·cos θ_j for every class, or the raw logits of a head
   * without one). Top-1 on the plain logits is the training accuracy, the convergence signal: on the margin logits
   * it stays near 0 for a model that has learnt the classes, because the margin pushes every target logit down.
   * Absent: the logits have no margin.
   */
  plainLogits?: tf.Tensor2D;
  /** A term added to the mean cross-entropy of the logits (MagFace's feature-norm regulariser). */
  extraLoss?: tf.Scalar;
}

export interface LossHead {
  /** Trained together with the backbone. */
  variables: tf.Variable[];
  /** The D×C class-weight matrix W (also in `variables`); `flb plugins probe` sets it from its input. */
  classWeights: tf.Variable;
  /**
   * Logits whose mean softmax cross-entropy, plus `extraLoss` where the head has one, is the loss; for a margin
   * loss also the logits without the margin (`plainLogits`, see HeadOutput).
   */
  forward(x: tf.Tensor2D, labels: tf.Tensor1D, ctx: ForwardContext): HeadOutput;
  /**
   * Numbers about the last forward pass: at least `scale` (the effective logit scale s), `thetaMedDeg`,
   * `thetaMeanDeg` (median and mean target angle θ_y) and `thetaNonTargetMeanDeg`, angles in degrees.
   */
  diagnostics(): Record<string, number>;
  /** Target angles θ_y (degrees) of the last forward pass, for the end-of-training distribution figure. */
  targetAnglesDeg(): Float32Array;
  /**
   * The random values the last forward pass drew (ElasticFace's per-sample margins), so that `plugins probe` can
   * hand them to a reference implementation and `plugins check` can see they survive a resume. Empty if none.
   */
  draws?(): number[];
  /** Non-trained state (e.g. dynamic AdaCos's scale), JSON-serialisable; `load` restores it. */
  state(): Record<string, unknown>;
  load(state: Record<string, unknown>): void;
  dispose(): void;
}

export interface LossPlugin<P extends ParamSpecs = ParamSpecs> {
  /** CLI id, e.g. 'arcface'. */
  name: string;
  /** Display name in tables, e.g. 'ArcFace'. */
  title: string;
  /** One line on what the loss is, for `flb plugins list`. */
  summary?: string;
  params: P;
  /**
   * Checks that the parameters make sense for this class count; returns an error message naming the parameter
   * and the allowed range, or null. (Ranges in `params` are checked before this.)
   */
  validate?(ctx: { numClasses: number; params: ParamValues<P> }): string | null;
  createHead(ctx: HeadContext<ParamValues<P>>): LossHead;
}
