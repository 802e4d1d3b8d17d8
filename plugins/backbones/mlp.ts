import * as tf from '@tensorflow/tfjs';
import { defineBackbone, SeededLayers } from 'facelossbench/backbone-kit';

/** A multilayer perceptron on the flattened image: the quick backbone for tests and pure-JS backends. */
export default defineBackbone({
  name: 'mlp',
  title: 'MLP',
  summary: 'flatten → [FC, BN, ReLU] × layers → embedding block',
  params: {
    hidden: { default: 512, min: 1, max: 65536, integer: true, doc: 'units of each hidden layer' },
    layers: { default: 1, min: 0, max: 16, integer: true, doc: 'number of hidden layers' },
    dropout: { default: 0, min: 0, max: 0.9, doc: 'dropout rate before the embedding FC' },
  },
  defaultInput: [32, 32, 1],
  create({ inputShape, embeddingDim, params, seed }) {
    const L = new SeededLayers(seed);
    const input = tf.input({ shape: [...inputShape] });
    let x = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    for (let i = 0; i < params.layers; i++) {
      x = L.dense(params.hidden, undefined, false).apply(x) as tf.SymbolicTensor;
      x = L.batchNorm().apply(x) as tf.SymbolicTensor;
      x = L.relu().apply(x) as tf.SymbolicTensor;
    }
    return tf.model({ inputs: input, outputs: L.embedding(x, embeddingDim, params.dropout), name: 'mlp' });
  },
});
