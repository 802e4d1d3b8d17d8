import * as tf from '@tensorflow/tfjs';
import { relu } from '../../../engine/fused-ops/relu.js';

/** ReLU numerically equal to tf.layers.reLU, trained through harness/fused-ops' ReLU (one-kernel gradient on ort-cpu). */
export class ReLU extends tf.layers.Layer {
  static className = 'FlbReLU';

  constructor(args: { name?: string; trainable?: boolean } = {}) {
    super(args);
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => relu(x));
  }
}

tf.serialization.registerClass(ReLU);
