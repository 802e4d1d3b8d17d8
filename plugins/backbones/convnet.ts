import * as tf from '@tensorflow/tfjs';
import { defineBackbone, SeededLayers } from 'facelossbench/backbone-kit';

/**
 * A small VGG-style CNN for 32–64 px faces: per stage two 3×3 conv–BN–ReLU and a 2×2 max-pool, the width
 * doubling each stage. The default backbone on CPU.
 */
export default defineBackbone({
  name: 'convnet',
  title: 'ConvNet',
  summary: 'VGG-style: stages of 2×(conv3×3, BN, ReLU) + max-pool → embedding block',
  params: {
    width: { default: 32, min: 1, max: 1024, integer: true, doc: 'filters of the first stage (doubled each stage)' },
    stages: { default: 3, min: 1, max: 6, integer: true, doc: 'number of stages' },
    dropout: { default: 0, min: 0, max: 0.9, doc: 'dropout rate before the embedding FC' },
  },
  defaultInput: [32, 32, 1],
  create({ inputShape, embeddingDim, params, seed }) {
    const L = new SeededLayers(seed);
    const input = tf.input({ shape: [...inputShape] });
    let x: tf.SymbolicTensor = input;
    for (let stage = 0; stage < params.stages; stage++) {
      const filters = params.width * 2 ** stage;
      for (let i = 0; i < 2; i++) {
        x = L.conv(filters, 3).apply(x) as tf.SymbolicTensor;
        x = L.batchNorm().apply(x) as tf.SymbolicTensor;
        x = L.relu().apply(x) as tf.SymbolicTensor;
      }
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
    }
    return tf.model({ inputs: input, outputs: L.embedding(x, embeddingDim, params.dropout), name: 'convnet' });
  },
});
