import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '../harness/engine/fused-ops/batch-norm-training.js';
import { prelu, PRELU_GRAD } from '../harness/engine/fused-ops/prelu.js';
import { relu, RELU_GRAD } from '../harness/engine/fused-ops/relu.js';
import { sgdMomentumStep, SGD_MOMENTUM_STEP } from '../harness/engine/fused-ops/sgd-momentum-step.js';
import { makeRng, onBackend, ortBackendReady, relativeError, RELATIVE_TOLERANCE, type Nested } from '../packages/tfjs-backend-ort-cpu/test/helpers/backend-compare.js';

/**
 * The fused ops (harness/fused-ops) against tfjs's own ops on the reference cpu backend: forward values and
 * gradients, through ort-cpu's single kernels and through the composite tfjs-op form other backends run
 * (here on 'cpu', which registers no fused kernel). Plus the MaxPool kernel ort-cpu replaces.
 */

const available = await ortBackendReady();
const maybe = available ? test.serial : test.skip;
if (!available) console.log('onnxruntime-node cannot load here: ort-cpu fused-op tests skipped');

const rng = makeRng('fused-ops');

function within(t: { true(v: boolean, m?: string): void }, ours: Nested[], reference: Nested[], what: string): void {
  t.true(ours.length === reference.length, `${what}: ${ours.length} outputs vs ${reference.length}`);
  ours.forEach((o, i) => {
    const err = relativeError(o, reference[i]!);
    t.true(err <= RELATIVE_TOLERANCE, `${what}, output ${i}: rel err ${err}`);
  });
}

/** Kernel names a computation runs on the active backend. */
async function kernelsRun(compute: () => tf.Tensor | tf.Tensor[]): Promise<Set<string>> {
  const info = await tf.profile(() => tf.tidy(compute));
  return new Set(info.kernels.map((k) => k.name));
}

function batchNormReference(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
  return [tf.batchNorm(x, mean, variance, beta, gamma, epsilon), mean, variance];
}

maybe('training batch norm: values, batch moments and gradients match tf.moments + tf.batchNorm', async (t) => {
  for (let i = 0; i < 8; i++) {
    // Multiples of 4 run on the SIMD kernels, other counts on the JavaScript loops.
    const channels = i % 4 < 2 ? 4 * rng.int(1, 10) : 4 * rng.int(0, 9) + rng.int(1, 3);
    const shape = i % 2 ? [rng.int(2, 9), channels] : [rng.int(1, 4), rng.int(1, 9), rng.int(1, 9), channels];
    const n = shape.reduce((p, d) => p * d, 1);
    // An offset much larger than the spread: the one-pass moments must not cancel.
    const offset = i < 4 ? 0 : 50;
    const data = rng.values(n).map((v) => offset + 2 * v);
    const gammaData = rng.values(channels).map((v) => 1 + v);
    const betaData = rng.values(channels);
    const probeData = rng.values(n);
    const compute = (op: (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor[]) => () => {
      const x = tf.tensor(data, shape);
      const gamma = tf.tensor1d(gammaData);
      const beta = tf.tensor1d(betaData);
      const probe = tf.tensor(probeData, shape);
      const loss = (xv: tf.Tensor, gv: tf.Tensor, bv: tf.Tensor) => tf.sum(tf.mul(op(xv, gv as tf.Tensor1D, bv as tf.Tensor1D)[0]!, probe));
      return [...op(x, gamma, beta), ...tf.grads(loss)([x, gamma, beta])];
    };
    const fused = (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => {
      const r = batchNormTraining(x, g, b, 1e-5);
      return [r.y, r.mean, r.variance];
    };
    const reference = await onBackend('cpu', compute((x, g, b) => batchNormReference(x, g, b, 1e-5)));
    within(t, await onBackend('ort-cpu', compute(fused)), reference, `ort-cpu kernels [${shape}] offset ${offset}`);
    within(t, await onBackend('cpu', compute(fused)), reference, `composite ops [${shape}] offset ${offset}`);
  }
  await tf.setBackend('ort-cpu');
  const ran = await kernelsRun(() => tf.grads((x: tf.Tensor) => tf.sum(batchNormTraining(x, tf.ones([3]), tf.zeros([3]), 1e-5).y))([tf.ones([2, 3])]));
  t.true(ran.has(BATCH_NORM_TRAINING) && ran.has(BATCH_NORM_TRAINING_GRAD), `ort-cpu ran ${[...ran]}`);
});

maybe('PReLU and ReLU gradients match tfjs’s, per-channel and per-position slopes, NaN and +∞ included', async (t) => {
  const cases: { shape: number[]; alphaShape: number[] }[] = [
    { shape: [2, 5, 6, 7], alphaShape: [1, 1, 7] },
    { shape: [2, 5, 6, 7], alphaShape: [5, 6, 7] },
    { shape: [3, 9], alphaShape: [9] },
    // Slopes a multiple of 4: the SIMD kernels (simd/activations-simd.ts).
    { shape: [2, 5, 6, 8], alphaShape: [1, 1, 8] },
    { shape: [2, 5, 6, 8], alphaShape: [5, 6, 8] },
    // Large enough (ORT_MIN_ELEMENTS) for ReLU's gradient to run as an ORT graph.
    { shape: [2, 16, 16, 32], alphaShape: [1, 1, 32] },
  ];
  for (const { shape, alphaShape } of cases) {
    const n = shape.reduce((p, d) => p * d, 1);
    const data = rng.values(n);
    data[3] = NaN;
    data[4] = 0;
    // +∞ passes dy to dx and nothing to dα (tfjs: where(x > 0, 0, dy·x)), not 0·∞.
    data[5] = Infinity;
    const alphaData = rng.values(alphaShape.reduce((p, d) => p * d, 1)).map((v) => 0.25 + 0.1 * v);
    const probeData = rng.values(n);
    const compute = (preluOp: (x: tf.Tensor, a: tf.Tensor) => tf.Tensor, reluOp: (x: tf.Tensor) => tf.Tensor) => () => {
      const probe = tf.tensor(probeData, shape);
      const x = tf.tensor(data, shape);
      const alpha = tf.tensor(alphaData, alphaShape);
      return [
        ...tf.grads((xv: tf.Tensor, av: tf.Tensor) => tf.sum(tf.mul(preluOp(xv, av), probe)))([x, alpha]),
        tf.grad((xv: tf.Tensor) => tf.sum(tf.mul(reluOp(xv), probe)))(x),
      ];
    };
    const reference = await onBackend('cpu', compute(tf.prelu, tf.relu));
    const ours = await onBackend('ort-cpu', compute(prelu, relu));
    // NaN positions must agree exactly (PReLU: dx finite, dα NaN; ReLU: dx NaN).
    const nanMask = (v: Nested) => JSON.stringify(v).replace(/[-\d.e]+/g, '0');
    t.deepEqual(ours.map(nanMask), reference.map(nanMask), `[${shape}] α [${alphaShape}]: NaN positions`);
    const finite = (v: Nested) => JSON.parse(JSON.stringify(v).replace(/null/g, '0')) as Nested;
    within(t, ours.map(finite), reference.map(finite), `[${shape}] α [${alphaShape}]`);
  }
  await tf.setBackend('ort-cpu');
  const ran = await kernelsRun(() => tf.grads((x: tf.Tensor, a: tf.Tensor) => tf.sum(relu(prelu(x, a))))([tf.ones([2, 3]), tf.ones([3])]));
  t.true(ran.has(PRELU_GRAD) && ran.has(RELU_GRAD), `ort-cpu ran ${[...ran]}`);
});

maybe('the SGD momentum step gives the same bits as its tfjs ops, with and without weight decay', async (t) => {
  for (let i = 0; i < 6; i++) {
    const shape = [rng.int(1, 40), rng.int(1, 40)];
    const size = shape[0]! * shape[1]!;
    // Values over several magnitudes, so that every rounding step matters.
    const [w, v, g] = [0, 1, 2].map(() => rng.values(size).map((x, k) => x * 10 ** ((k % 7) - 3)));
    const attrs = { lr: rng.pick([0.1, 0.0137, 3e-4]), momentum: rng.pick([0.9, 0.5]), weightDecay: i % 2 === 0 ? 0 : 5e-4 };
    const compute = () => sgdMomentumStep(tf.tensor2d(w!, shape as [number, number]), tf.tensor2d(v!, shape as [number, number]), tf.tensor2d(g!, shape as [number, number]), attrs);
    const ours = await onBackend('ort-cpu', compute);
    const reference = await onBackend('cpu', compute);
    t.deepEqual(ours, reference, `case ${i} [${shape}] ${JSON.stringify(attrs)}`);
  }
  await tf.setBackend('ort-cpu');
  const ran = await kernelsRun(() => sgdMomentumStep(tf.ones([3]), tf.ones([3]), tf.ones([3]), { lr: 0.1, momentum: 0.9, weightDecay: 0 }));
  t.true(ran.has(SGD_MOMENTUM_STEP) && !ran.has('Multiply'), `ort-cpu ran ${[...ran]}`);
});

maybe('MaxPool matches the cpu kernel on random pools, NaN pixels included', async (t) => {
  for (let i = 0; i < 12; i++) {
    const size = rng.int(1, 3);
    const stride = rng.int(1, 3);
    const pad = rng.pick(['same', 'valid'] as const);
    const shape: [number, number, number, number] = [rng.int(1, 3), rng.int(4, 9), rng.int(4, 9), rng.int(1, 6)];
    const data = rng.values(shape.reduce((p, d) => p * d, 1));
    if (i % 3 === 0) data[0] = NaN;
    const compute = () => tf.maxPool(tf.tensor4d(data, shape), size, stride, pad);
    const [ours] = await onBackend('ort-cpu', compute);
    const [reference] = await onBackend('cpu', compute);
    // Exact: a max picks one of the inputs. A 1×1 window over a NaN pixel yields −∞ on both.
    t.deepEqual(ours, reference, `case ${i}: pool ${size} stride ${stride} ${pad} [${shape}]`);
  }
});

maybe('2×2 stride-2 pools (their fast path): forward and gradient equal the cpu kernels, with NaN and ties', async (t) => {
  for (let i = 0; i < 8; i++) {
    const shape: [number, number, number, number] = [rng.int(1, 3), rng.int(2, 9), rng.int(2, 9), rng.int(1, 6)];
    const pad = rng.pick(['same', 'valid'] as const);
    // Few distinct values, so windows hold ties; some NaN, and one window of only NaN.
    const data = rng.values(shape.reduce((p, d) => p * d, 1)).map((v) => Math.round(2 * v));
    data[1] = NaN;
    if (i % 2 === 0) for (const at of [0, 1, shape[3], shape[3] + 1]) data[shape[2] * shape[3] + at] = NaN;
    const compute = () => {
      const x = tf.tensor4d(data, shape);
      const probe = tf.randomUniform(tf.maxPool(x, 2, 2, pad).shape, -1, 1, 'float32', i);
      return [tf.maxPool(x, 2, 2, pad), tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, pad).mul(probe).sum())(x)];
    };
    const ours = await onBackend('ort-cpu', compute);
    const reference = await onBackend('cpu', compute);
    // Equal as numbers (through JSON: NaN and −∞ become null, −0 becomes 0): Math.max, which the fast path uses,
    // returns +0 for a window whose maximum is a signed zero where tfjs keeps the first, possibly −0.
    t.is(JSON.stringify(ours), JSON.stringify(reference), `case ${i}: ${pad} [${shape}]`);
  }
});
