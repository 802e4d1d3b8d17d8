import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from '../../../engine/fused-ops/batch-norm-training.js';

export interface BatchNormArgs {
  /** Weight of the old value in the moving averages (PyTorch's momentum 0.1 is 0.9 here). */
  momentum: number;
  epsilon: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Batch normalisation over the last axis, numerically tf.layers.batchNormalization (same weights, same moving
 * averages of the batch mean and biased variance), but trained through harness/fused-ops' single op with a
 * closed-form gradient instead of tfjs's composite one: on CPU that gradient was a quarter of a CNN step.
 */
export class BatchNorm extends tf.layers.Layer {
  static className = 'FlbBatchNorm';
  private readonly momentum: number;
  private readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(args: BatchNormArgs) {
    super({ name: args.name, trainable: args.trainable });
    this.momentum = args.momentum;
    this.epsilon = args.epsilon;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel (last) axis must have a known size, got [${shape}]`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      const gamma = this.gamma.read() as tf.Tensor1D;
      const beta = this.beta.read() as tf.Tensor1D;
      if (!kwargs.training) return tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, this.epsilon);
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
      this.updateMovingAverage(this.movingMean, mean);
      this.updateMovingAverage(this.movingVariance, variance);
      mean.dispose();
      variance.dispose();
      return y;
    });
  }

  private updateMovingAverage(average: tf.LayerVariable, batchValue: tf.Tensor1D): void {
    tf.tidy(() => {
      const old = average.read();
      average.write(tf.sub(old, tf.mul(tf.sub(old, batchValue), 1 - this.momentum)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(BatchNorm);
