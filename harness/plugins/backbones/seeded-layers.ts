import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from './layers/batch-norm.js';
import { Conv2D } from './layers/conv2d.js';
import { PReLU } from './layers/prelu.js';
import { ReLU } from './layers/relu.js';

/**
 * Layer helpers the backbones share: seeded initialisers (every layer its own seed, derived from the run's),
 * PyTorch-like BatchNorm settings, and the embedding block every face backbone ends in.
 */
export class SeededLayers {
  private next: number;
  constructor(seed: number) {
    this.next = seed * 1000 + 1;
  }

  private seed(): number {
    return this.next++;
  }

  conv(filters: number, kernelSize: number, strides = 1, name?: string): tf.layers.Layer {
    return new Conv2D({ filters, kernelSize, strides, kernelInitializer: tf.initializers.heNormal({ seed: this.seed() }), name });
  }

  dense(units: number, activation?: 'relu', useBias = true): tf.layers.Layer {
    return tf.layers.dense({
      units,
      activation,
      useBias,
      kernelInitializer: tf.initializers.glorotNormal({ seed: this.seed() }),
    });
  }

  /** BatchNorm as insightface configures it in PyTorch (momentum 0.1 there is 0.9 here; eps 1e-5). */
  batchNorm(): tf.layers.Layer {
    return new BatchNorm({ momentum: 0.9, epsilon: 1e-5 });
  }

  /** ReLU (tf.layers.reLU's function, with a one-kernel gradient on ort-cpu). */
  relu(): tf.layers.Layer {
    return new ReLU();
  }

  /** PReLU with one slope per channel (PyTorch's nn.PReLU(channels)), initialised to 0.25. */
  prelu(spatial: boolean): tf.layers.Layer {
    return new PReLU({ initialAlpha: 0.25, sharedAxes: spatial ? [1, 2] : undefined });
  }

  /**
   * The embedding block: BN, dropout, flatten, FC to the embedding size, BN — insightface's `features` head.
   * Dropout is skipped at rate 0, the default.
   */
  embedding(x: tf.SymbolicTensor, embeddingDim: number, dropout: number): tf.SymbolicTensor {
    let y = this.batchNorm().apply(x) as tf.SymbolicTensor;
    if (dropout > 0) y = tf.layers.dropout({ rate: dropout }).apply(y) as tf.SymbolicTensor;
    if (y.shape.length > 2) y = tf.layers.flatten().apply(y) as tf.SymbolicTensor;
    y = this.dense(embeddingDim).apply(y) as tf.SymbolicTensor;
    return this.batchNorm().apply(y) as tf.SymbolicTensor;
  }
}
