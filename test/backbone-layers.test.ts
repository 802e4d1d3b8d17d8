import test, { type ExecutionContext } from 'ava';
import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../harness/plugins/backbones/layers/batch-norm.js';
import { Conv2D } from '../harness/plugins/backbones/layers/conv2d.js';
import { PReLU } from '../harness/plugins/backbones/layers/prelu.js';
import { ReLU } from '../harness/plugins/backbones/layers/relu.js';
import { initEngine } from '../harness/engine/backend-choice.js';
import { relativeError, type Nested } from '../packages/tfjs-backend-ort-cpu/test/helpers/backend-compare.js';
import { webgpuTest } from './helpers/webgpu.js';

/**
 * The backbones' own BatchNorm, PReLU and ReLU layers (harness/layers) must be tf.layers' batchNormalization,
 * prelu and reLU in every number — training output, gradients, moving averages, inference — and survive a
 * save/load round trip. On the cpu backend here, so the composite form of the fused ops is what runs; the
 * ort-cpu kernels are compared in backend-ort-fused-ops.test.ts. The comparison also runs on webgpu, where the
 * same composite forms run as GPU kernels.
 */

test.before(async () => {
  await initEngine('cpu');
});

const close = (a: tf.Tensor, b: tf.Tensor) => relativeError(a.arraySync() as Nested, b.arraySync() as Nested);

/** One model per layer kind, ours and tfjs's, with equal weights; returns (x → output, gradients) for both. */
function pair(ours: tf.layers.Layer, theirs: tf.layers.Layer, inputShape: number[]) {
  const build = (layer: tf.layers.Layer) => {
    const input = tf.input({ shape: inputShape });
    return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  };
  const a = build(ours);
  const b = build(theirs);
  b.setWeights(a.getWeights().map((w) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', w.size)));
  a.setWeights(b.getWeights());
  return { a, b };
}

function trainingPass(model: tf.LayersModel, x: tf.Tensor, probe: tf.Tensor) {
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const value = model.apply(x, { training: true }) as tf.Tensor;
  const loss = () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, probe)) as tf.Scalar;
  const grads = variables.length > 0 ? tf.variableGrads(loss, variables).grads : {};
  const inputGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(model.apply(v, { training: true }) as tf.Tensor, probe)))(x);
  return { value, grads: variables.map((v) => grads[v.name]!), inputGrad };
}

/** Each of our layers against tf.layers' on the active backend: training output, gradients, moving averages, inference. */
function layersMatchTfLayers(t: ExecutionContext): void {
  const inputShape = [5, 6, 7];
  const x = tf.randomNormal([3, ...inputShape], 2, 3, 'float32', 1);
  const cases: [string, tf.layers.Layer, tf.layers.Layer][] = [
    ['batchNorm', new BatchNorm({ momentum: 0.9, epsilon: 1e-5 }), tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 })],
    ['prelu', new PReLU({ initialAlpha: 0.25, sharedAxes: [1, 2] }), tf.layers.prelu({ sharedAxes: [1, 2] })],
    ['relu', new ReLU(), tf.layers.reLU()],
    ['conv2d', new Conv2D({ filters: 4, kernelSize: 3 }), tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false })],
    [
      'conv2d stride 2',
      new Conv2D({ filters: 4, kernelSize: 3, strides: 2 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
    ],
  ];
  for (const [name, ours, theirs] of cases) {
    const { a, b } = pair(ours, theirs, inputShape);
    const probe = tf.randomNormal((a.predict(x) as tf.Tensor).shape, 0, 1, 'float32', 2);
    const ra = trainingPass(a, x, probe);
    const rb = trainingPass(b, x, probe);
    t.true(close(ra.value, rb.value) < 1e-5, `${name}: training output`);
    t.true(close(ra.inputGrad, rb.inputGrad) < 1e-5, `${name}: input gradient`);
    ra.grads.forEach((g, i) => t.true(close(g, rb.grads[i]!) < 1e-5, `${name}: gradient of weight ${i}`));
    // Moving mean and variance (BatchNorm's non-trainable weights) moved the same way in the passes above.
    a.getWeights().forEach((w, i) => t.true(close(w, b.getWeights()[i]!) < 1e-5, `${name}: weight ${i} after training passes`));
    t.true(close(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor) < 1e-5, `${name}: inference`);
  }
}

test('Conv2D, BatchNorm, PReLU and ReLU equal tf.layers’ in training, gradients, moving averages and inference', (t) => {
  layersMatchTfLayers(t);
});

webgpuTest('Conv2D, BatchNorm, PReLU and ReLU equal tf.layers’', async (t) => {
  await initEngine('webgpu');
  layersMatchTfLayers(t);
  await initEngine('cpu');
});

test('a model of these layers saves and loads with its weights', async (t) => {
  const input = tf.input({ shape: [4, 4, 3] });
  let y = new Conv2D({ filters: 3, kernelSize: 3, strides: 2 }).apply(input) as tf.SymbolicTensor;
  y = new BatchNorm({ momentum: 0.9, epsilon: 1e-5 }).apply(y) as tf.SymbolicTensor;
  y = new PReLU({ initialAlpha: 0.25, sharedAxes: [1, 2] }).apply(y) as tf.SymbolicTensor;
  y = new ReLU().apply(y) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: y });
  model.setWeights(model.getWeights().map((w) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', w.size)));
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  t.deepEqual(loaded.layers.map((l) => l.getClassName()), ['InputLayer', 'FlbConv2D', 'FlbBatchNorm', 'FlbPReLU', 'FlbReLU']);
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 3);
  t.is(close(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor), 0);
});

test('a first Conv2D layer computes no gradient for the images, only for its kernel', async (t) => {
  const layer = new Conv2D({ filters: 4, kernelSize: 3 });
  const input = tf.input({ shape: [8, 8, 1] });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  const kernel = (model.trainableWeights[0] as unknown as { val: tf.Variable }).val;
  const images = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 4);
  const info = await tf.profile(() => tf.variableGrads(() => tf.sum(model.apply(images, { training: true }) as tf.Tensor) as tf.Scalar, [kernel]));
  const kernels = info.kernels.map((k) => k.name);
  t.true(kernels.includes('Conv2DBackpropFilter'));
  t.false(kernels.includes('Conv2DBackpropInput'), `ran ${kernels}`);
});
