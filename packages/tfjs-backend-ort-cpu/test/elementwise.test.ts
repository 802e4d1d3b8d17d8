import test from 'ava';
import { simdKernels } from '../src/simd/simd-kernels.js';
import * as tf from '@tensorflow/tfjs';
import { ortRunCount } from '../src/onnx/ort-runtime.js';
import { ORT_MIN_ELEMENTS } from '../src/onnx/ort-size-policy.js';
import { makeRng, onBackend, ortBackendReady, relativeError, RELATIVE_TOLERANCE, type Nested } from './helpers/backend-compare.js';

const available = await ortBackendReady();
const maybe = available ? test.serial : test.skip;
if (!available) console.log('onnxruntime-node cannot load here: ort-cpu elementwise tests skipped');

async function bothBackends(compute: () => tf.Tensor | tf.Tensor[]): Promise<{ ours: Nested[]; reference: Nested[]; ortRuns: number }> {
  const reference = await onBackend('cpu', compute);
  const before = ortRunCount();
  const ours = await onBackend('ort-cpu', compute);
  return { ours, reference, ortRuns: ortRunCount() - before };
}

// Shapes at least ORT_MIN_ELEMENTS large, so the ORT path (not the small-tensor fallback) is what is compared.
const ACTIVATION_SHAPE = [2, 16, 16, 32];
const rng = makeRng('elementwise');
const BIG_DATA = rng.values(2 * 16 * 16 * 32).map((v) => 3 * v);
const big = () => tf.tensor(BIG_DATA, ACTIVATION_SHAPE);

maybe('the activation shape used here is large enough to run on ORT', (t) => {
  t.true(2 * 16 * 16 * 32 >= ORT_MIN_ELEMENTS);
});

maybe('unary kernels match the cpu kernels', async (t) => {
  const x = rng.values(2 * 16 * 16 * 32).map((v) => 3 * v);
  x[7] = NaN; // Step keeps NaN; the rest propagate it the same way
  const positive = x.map((v) => Math.abs(v) + 0.01);
  const cases: [string, (v: tf.Tensor) => tf.Tensor, Float32Array][] = [
    ['relu', tf.relu, x],
    ['relu6', tf.relu6, x],
    ['elu', tf.elu, x],
    ['sigmoid', tf.sigmoid, x],
    ['tanh', tf.tanh, x],
    ['exp', tf.exp, x],
    ['neg', tf.neg, x],
    ['abs', tf.abs, x],
    ['square', tf.square, x],
    ['leakyRelu', (v) => tf.leakyRelu(v, 0.3), x],
    ['step', (v) => tf.step(v, 0.25), x],
    ['log', tf.log, positive],
    ['sqrt', tf.sqrt, positive],
    ['rsqrt', tf.rsqrt, positive],
    ['reciprocal', tf.reciprocal, positive],
  ];
  for (const [name, op, data] of cases) {
    const { ours, reference, ortRuns } = await bothBackends(() => op(tf.tensor(data, ACTIVATION_SHAPE)));
    // ReLU runs on the SIMD kernel where it loaded (test/backend-ort-simd.test.ts), not on ORT.
    t.is(ortRuns, name === 'relu' && simdKernels('activations') ? 0 : 1, `${name} ran on ORT`);
    const nanAt7 = (y: Nested) => Number.isNaN((y as number[][][][])[0]![0]![0]![7]);
    t.is(nanAt7(ours[0]!), nanAt7(reference[0]!), `${name}: NaN handling`);
    const finite = (y: Nested) => JSON.parse(JSON.stringify(y).replace(/null/g, '0')) as Nested; // NaN → null → 0
    const err = relativeError(finite(ours[0]!), finite(reference[0]!));
    t.true(err <= RELATIVE_TOLERANCE, `${name}: rel err ${err}`);
  }
});

maybe('binary kernels match the cpu kernels with numpy broadcasting', async (t) => {
  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['squaredDifference', tf.squaredDifference],
  ];
  const partners = [[32], [1, 1, 1, 32], [2, 1, 1, 1], [16, 1], [], ACTIVATION_SHAPE];
  for (const [name, op] of ops) {
    for (const shape of partners) {
      const size = shape.reduce((p, d) => p * d, 1);
      const partner = rng.values(size).map((v) => (name === 'div' ? 0.5 + Math.abs(v) : v));
      for (const order of ['big-first', 'big-second'] as const) {
        const { ours, reference, ortRuns } = await bothBackends(() => {
          const a = big();
          const b = tf.tensor(partner, shape);
          return order === 'big-first' ? op(a, b) : op(b, a);
        });
        t.true(ortRuns >= 1, `${name} ${order} [${shape}] ran on ORT`);
        const err = relativeError(ours[0]!, reference[0]!);
        t.true(err <= RELATIVE_TOLERANCE, `${name} ${order} [${shape}]: rel err ${err}`);
      }
    }
  }
});

maybe('prelu with per-channel slopes matches the cpu kernel, forward and gradient', async (t) => {
  const slopes = rng.values(32).map((v) => 0.25 + 0.2 * v);
  for (const alphaShape of [[32], [1, 1, 32]]) {
    const { ours, reference, ortRuns } = await bothBackends(() => {
      const x = big();
      const alpha = tf.tensor(slopes, alphaShape);
      const probe = tf.randomUniform(ACTIVATION_SHAPE, -1, 1, 'float32', 3);
      const [dx, dalpha] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.prelu(a, b).mul(probe).sum())([x, alpha]);
      return [tf.prelu(x, alpha), dx!, dalpha!];
    });
    t.true(ortRuns >= 2, `prelu [${alphaShape}] ran on ORT`);
    for (let i = 0; i < 3; i++) {
      const err = relativeError(ours[i]!, reference[i]!);
      t.true(err <= RELATIVE_TOLERANCE, `prelu [${alphaShape}] output ${i}: rel err ${err}`);
    }
  }
});

maybe('Sum, Mean, Max and Min over any axes, with and without keepDims, match the cpu kernels', async (t) => {
  const axesChoices: (number | number[])[] = [0, 3, -1, [0, 1, 2], [1, 2], [0, 3], [0, 1, 2, 3], [2]];
  const reductions: [string, (x: tf.Tensor, axis: number | number[], keep: boolean) => tf.Tensor][] = [
    ['sum', tf.sum],
    ['mean', tf.mean],
    ['max', tf.max],
    ['min', tf.min],
  ];
  for (const [name, reduce] of reductions) {
    for (const axis of axesChoices) {
      for (const keepDims of [false, true]) {
        const { ours, reference, ortRuns } = await bothBackends(() => reduce(big(), axis, keepDims));
        t.true(ortRuns >= 1, `${name} ${JSON.stringify(axis)} ran on ORT`);
        const err = relativeError(ours[0]!, reference[0]!);
        t.true(err <= RELATIVE_TOLERANCE, `${name} axis ${JSON.stringify(axis)} keepDims ${keepDims}: rel err ${err}`);
      }
    }
  }
  // By hand: the sum over all axes of 0..n−1 is n(n−1)/2, in float32 exactly representable here.
  const n = 2 * 16 * 16 * 32;
  const [total] = await onBackend('ort-cpu', () => tf.sum(tf.range(0, n).reshape(ACTIVATION_SHAPE), [0, 1, 2, 3]));
  t.is(total, (n * (n - 1)) / 2);
});

maybe('Tile and per-channel batchNorm match the cpu kernels', async (t) => {
  const channelValues = rng.values(32);
  const tiled = await bothBackends(() => tf.tile(tf.tensor(channelValues, [1, 1, 1, 32]), [4, 16, 16, 1]));
  t.is(tiled.ortRuns, 1);
  t.true(relativeError(tiled.ours[0]!, tiled.reference[0]!) <= RELATIVE_TOLERANCE);
  const mean = rng.values(32);
  const variance = rng.values(32).map((v) => 0.1 + Math.abs(v));
  const offset = rng.values(32);
  const scale = rng.values(32);
  for (const withOffset of [false, true]) {
    for (const withScale of [false, true]) {
      const { ours, reference, ortRuns } = await bothBackends(() =>
        tf.batchNorm(big(), tf.tensor1d(mean), tf.tensor1d(variance), withOffset ? tf.tensor1d(offset) : undefined, withScale ? tf.tensor1d(scale) : undefined, 1e-5),
      );
      t.is(ortRuns, 1, 'batchNorm ran on ORT');
      const err = relativeError(ours[0]!, reference[0]!);
      t.true(err <= RELATIVE_TOLERANCE, `offset ${withOffset} scale ${withScale}: rel err ${err}`);
    }
  }
});

maybe('MaxPoolGrad matches the cpu kernel on random pools, and sends ties to the first maximum', async (t) => {
  for (let i = 0; i < 12; i++) {
    const size = rng.int(1, 3);
    const stride = rng.int(1, 3);
    const pad = rng.pick(['same', 'valid'] as const);
    const shape: [number, number, number, number] = [rng.int(1, 3), rng.int(4, 9), rng.int(4, 9), rng.int(1, 4)];
    const n = shape.reduce((p, d) => p * d, 1);
    // Half the cases use few distinct values, so windows hold ties.
    const data = i % 2 ? rng.values(n) : rng.values(n).map((v) => Math.round(2 * v));
    const { ours, reference } = await bothBackends(() => {
      const x = tf.tensor4d(data, shape);
      const probe = tf.randomUniform(tf.maxPool(x, size, stride, pad).shape, -1, 1, 'float32', i);
      return tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, size, stride, pad).mul(probe).sum())(x);
    });
    t.deepEqual(ours[0], reference[0], `case ${i}: pool ${size} stride ${stride} ${pad} [${shape}]`);
  }
  // By hand: a 2×2 window of [[1, 3], [3, 2]] has its maximum first at (0, 1).
  const [dx] = await onBackend('ort-cpu', () =>
    tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').sum())(tf.tensor4d([1, 3, 3, 2], [1, 2, 2, 1])),
  );
  t.deepEqual(dx, [[[[0], [1]], [[0], [0]]]]);
});
