import * as tf from '@tensorflow/tfjs';
import { prelu } from '../../../engine/fused-ops/prelu.js';

export interface PReLUArgs {
  /** Initial slope for x ≤ 0 (PyTorch's nn.PReLU: 0.25). */
  initialAlpha: number;
  /** Axes (1-based, batch excluded) along which one α is shared, e.g. [1, 2] for one α per channel of NHWC. */
  sharedAxes?: number[];
  name?: string;
  trainable?: boolean;
}

/**
 * PReLU numerically equal to tf.layers.prelu, trained through harness/fused-ops' PReLU whose gradient is one
 * kernel on ort-cpu (tfjs's runs seven full-size ops, its boolean ones without a fast CPU kernel).
 */
export class PReLU extends tf.layers.Layer {
  static className = 'FlbPReLU';
  private readonly initialAlpha: number;
  private readonly sharedAxes: number[];
  private alpha!: tf.LayerVariable;

  constructor(args: PReLUArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.initialAlpha = args.initialAlpha;
    this.sharedAxes = args.sharedAxes ?? [];
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const alphaShape = shape.slice(1).map((d, i) => (this.sharedAxes.includes(i + 1) ? 1 : d));
    if (alphaShape.some((d) => d == null)) throw new Error(`${this.name}: unshared axes must have a known size, got [${shape}]`);
    this.alpha = this.addWeight('alpha', alphaShape as number[], 'float32', tf.initializers.constant({ value: this.initialAlpha }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => prelu(x, this.alpha.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), initialAlpha: this.initialAlpha, sharedAxes: this.sharedAxes };
  }
}

tf.serialization.registerClass(PReLU);
