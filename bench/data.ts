/**
 * npm run bench:data [-- --dataset NAME --batch-size N --batches N --backend B]
 * Is loading ever the bottleneck? Measures, side by side in one run, images/s of
 *   loader  — reading, decoding and augmenting batches alone (what the training loop prefetches),
 *   step    — a training step alone on a batch already in memory (forward, backward, SGD),
 *   loop    — both together, the loader prefetching the next batch while the step computes, as `flb train` does.
 * Prints one JSON line per measurement and a verdict.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { createBackbone, findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { getDataset, openTrainSet } from '../harness/data/registry/registry.js';
import type { TrainSet } from '../harness/data/readers/train-set.js';
import { initEngine, type BackendChoice } from '../harness/engine/backend-choice.js';
import { createLossHead, findLossPlugin } from '../harness/plugins/losses/registry.js';
import { BatchOrder, loadTrainingBatch } from '../harness/training/batch-order.js';
import { MomentumSgd } from '../harness/training/sgd.js';
import { lossAndGradients, trainableVariables } from '../harness/training/train-step.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'synth-faces' },
    'data-root': { type: 'string' },
    'batch-size': { type: 'string', default: '64' },
    batches: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'auto' },
  },
});
const batchSize = Number(values['batch-size']);
const batches = Number(values.batches);

const trainSet = await openTrainSet(values.dataset!, { dataRoot: values['data-root'], progress: 'auto' });
const order = new BatchOrder(trainSet.size, batchSize, 1);
const [h, w, c] = trainSet.shape;

const loadBatch = (set: TrainSet, step: number) => loadTrainingBatch(set, order, step, true);

const backboneName = getDataset(values.dataset!, { dataRoot: values['data-root'] }).defaultBackbone ?? 'mlp';
const { model } = createBackbone((await findBackbonePlugin(backboneName)).plugin, {}, { inputShape: trainSet.shape, embeddingDim: 512, seed: 1 });
const { head } = createLossHead((await findLossPlugin('arcface')).plugin, {}, { numClasses: trainSet.numClasses, embeddingDim: 512, seed: 1 });
const variables = trainableVariables(model, head);
const sgd = new MomentumSgd(variables, 0.9, 5e-4);
const step = (batch: { pixels: Float32Array; labels: Int32Array }, t: number) =>
  tf.tidy(() => {
    const r = lossAndGradients(model, head, variables, tf.tensor4d(batch.pixels, [batchSize, h, w, c]), tf.tensor1d(batch.labels, 'int32'), t);
    sgd.apply(r.grads, 0.01);
  });
const engine = await initEngine(values.backend as BackendChoice, () => step({ pixels: new Float32Array(batchSize * h * w * c), labels: new Int32Array(batchSize) }, 0));

const report = (what: string, seconds: number) => {
  const imagesPerSec = (batches * batchSize) / seconds;
  process.stdout.write(`${JSON.stringify({ case: what, dataset: values.dataset, backbone: backboneName, backend: engine.backend, batchSize, batches, imagesPerSec: Math.round(imagesPerSec) })}\n`);
  return imagesPerSec;
};

let t0 = performance.now();
for (let b = 0; b < batches; b++) await loadBatch(trainSet, b);
const loader = report('loader', (performance.now() - t0) / 1000);

const batch = await loadBatch(trainSet, 0);
step(batch, 0); // warm-up
t0 = performance.now();
for (let b = 0; b < batches; b++) step(batch, b);
const compute = report('step', (performance.now() - t0) / 1000);

t0 = performance.now();
let next = loadBatch(trainSet, 0);
for (let b = 0; b < batches; b++) {
  const current = await next;
  next = loadBatch(trainSet, b + 1);
  step(current, b);
}
await next;
const loop = report('loop', (performance.now() - t0) / 1000);

const verdict =
  loader < compute
    ? `loading limits training: the loader delivers ${Math.round(loader)} images/s, the step consumes ${Math.round(compute)}`
    : `loading keeps up: the loader delivers ${(loader / compute).toFixed(1)}× what the step consumes; the loop runs at ${((100 * loop) / compute).toFixed(0)}% of the step alone`;
process.stderr.write(`${verdict}\n`);
