import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { cachedSessionCount } from '../src/onnx/session-cache.js';
import { makeRng, onBackend, ortBackendReady, relativeError, RELATIVE_TOLERANCE, type Nested } from './helpers/backend-compare.js';

const available = await ortBackendReady();
const maybe = available ? test.serial : test.skip;
if (!available) console.log('onnxruntime-node cannot load here: ort-cpu matmul tests skipped');

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu' | 'prelu';

interface MatMulCase {
  aShape: number[];
  bShape: number[];
  transposeA: boolean;
  transposeB: boolean;
  a: Float32Array;
  b: Float32Array;
}

function randomCase(rng: ReturnType<typeof makeRng>, broadcastBatches: boolean): MatMulCase {
  const m = rng.int(1, 17);
  const k = rng.int(1, 19);
  const n = rng.int(1, 13);
  const transposeA = rng.pick([false, true]);
  const transposeB = rng.pick([false, true]);
  // Batch dims: none, equal, or broadcast (one side 1 or absent), as tfjs allows in the forward pass.
  const batch = rng.pick([[], [3], [2, 3]]);
  const aBatch = broadcastBatches && batch.length && rng.pick([true, false]) ? batch.map(() => 1) : batch;
  const bBatch = broadcastBatches ? rng.pick([batch, [], batch.map(() => 1)]) : batch;
  const aShape = [...aBatch, ...(transposeA ? [k, m] : [m, k])];
  const bShape = [...bBatch, ...(transposeB ? [n, k] : [k, n])];
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  return { aShape, bShape, transposeA, transposeB, a: rng.values(size(aShape)), b: rng.values(size(bShape)) };
}

async function compareOnBothBackends(compute: () => tf.Tensor | tf.Tensor[]): Promise<{ ours: Nested[]; reference: Nested[] }> {
  const reference = await onBackend('cpu', compute);
  const ours = await onBackend('ort-cpu', compute);
  return { ours, reference };
}

maybe('BatchMatMul matches the cpu kernel on random shapes, transposes and broadcast batches', async (t) => {
  const rng = makeRng('matmul');
  for (let i = 0; i < 30; i++) {
    const c = randomCase(rng, true);
    const { ours, reference } = await compareOnBothBackends(() =>
      tf.matMul(tf.tensor(c.a, c.aShape), tf.tensor(c.b, c.bShape), c.transposeA, c.transposeB),
    );
    const err = relativeError(ours[0], reference[0]);
    t.true(err <= RELATIVE_TOLERANCE, `case ${i} ${JSON.stringify({ ...c, a: undefined, b: undefined })}: rel err ${err}`);
  }
});

maybe('BatchMatMul gradients (through tf.grads) match the cpu backend', async (t) => {
  const rng = makeRng('matmul-grad');
  // tfjs's own BatchMatMul gradient does not reduce broadcast batch dims, so gradients use equal batches.
  for (let i = 0; i < 15; i++) {
    const c = randomCase(rng, false);
    const { ours, reference } = await compareOnBothBackends(() => {
      const a = tf.tensor(c.a, c.aShape);
      const b = tf.tensor(c.b, c.bShape);
      const probe = tf.randomUniform(tf.matMul(a, b, c.transposeA, c.transposeB).shape, -1, 1, 'float32', i);
      return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.transposeA, c.transposeB).mul(probe).sum())([a, b]);
    });
    for (const which of [0, 1]) {
      const err = relativeError(ours[which], reference[which]);
      t.true(err <= RELATIVE_TOLERANCE, `case ${i} grad ${which === 0 ? 'a' : 'b'}: rel err ${err}`);
    }
  }
});

maybe('_FusedMatMul with bias and every activation matches the cpu backend, forward and gradient', async (t) => {
  const rng = makeRng('fused-matmul');
  const activations: Activation[] = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'];
  for (const activation of activations) {
    const m = rng.int(2, 9);
    const k = rng.int(2, 11);
    const n = rng.int(2, 7);
    const a = rng.values(m * k);
    const b = rng.values(k * n);
    const bias = rng.values(n);
    const alpha = rng.values(n);
    const transposeB = rng.pick([false, true]);
    const run = () =>
      tf.fused.matMul({
        a: tf.tensor2d(a, [m, k]),
        b: tf.tensor2d(b, transposeB ? [n, k] : [k, n]),
        transposeB,
        bias: tf.tensor1d(bias),
        activation,
        preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alpha) : undefined,
        leakyreluAlpha: 0.13,
      });
    const { ours, reference } = await compareOnBothBackends(run);
    t.true(relativeError(ours[0], reference[0]) <= RELATIVE_TOLERANCE, `${activation} forward`);
  }
  // tfjs differentiates fused matmuls only for linear and relu.
  for (const activation of ['linear', 'relu'] as const) {
    const a = rng.values(6 * 5);
    const b = rng.values(5 * 4);
    const bias = rng.values(4);
    const { ours, reference } = await compareOnBothBackends(() =>
      tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation }).square().sum(),
      )([tf.tensor2d(a, [6, 5]), tf.tensor2d(b, [5, 4]), tf.tensor1d(bias)]),
    );
    for (let i = 0; i < 3; i++) t.true(relativeError(ours[i], reference[i]) <= RELATIVE_TOLERANCE, `${activation} grad ${i}`);
  }
});

maybe('a hand-computed product comes out exactly', async (t) => {
  // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
  const before = cachedSessionCount();
  const [y] = await onBackend('ort-cpu', () => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  t.deepEqual(y, [[19, 22], [43, 50]]);
  t.is(cachedSessionCount(), before + 1, 'the product ran on an ORT session, not the cpu fallback');
  // int32 inputs are not ORT's business: the cpu kernel answers and keeps the dtype.
  await tf.setBackend('ort-cpu');
  const ints = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([1, 0, 0, 1], [2, 2], 'int32'));
  t.is(ints.dtype, 'int32');
  t.deepEqual(ints.arraySync(), [[1, 2], [3, 4]]);
  ints.dispose();
});

maybe('every cpu kernel is registered under ort-cpu', (t) => {
  const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
  const ours = new Set(tf.getKernelsForBackend('ort-cpu').map((k) => k.kernelName));
  t.deepEqual([...cpu].filter((k) => !ours.has(k)), []);
});
