import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { simdKernels, simdLoadError } from '../harness/backends/ort-cpu/simd/simd-kernels.js';
import { reluGradientSimd, reluSimd } from '../harness/backends/ort-cpu/simd/activations-simd.js';
import { maxPool2x2Simd, maxPoolGrad2x2Simd } from '../harness/backends/ort-cpu/simd/max-pool-simd.js';
import { makeRng, ortBackendReady } from './backend-compare.js';

/**
 * The WebAssembly SIMD kernels of ort-cpu against tfjs's rules, bit for bit (Object.is: NaN equals NaN, −0 and
 * +0 differ), on lengths that span several chunks and end in partial vectors, with NaN, ±∞ and signed zeros.
 * Batch norm's kernels are held to the JavaScript loops in backend-ort-fused-ops.test.ts.
 */

const available = await ortBackendReady();
const maybe = available ? test.serial : test.skip;
if (!available) console.log('onnxruntime-node cannot load here: ort-cpu SIMD tests skipped');

const rng = makeRng('simd-kernels');
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0];

/** Random values with every special value sprinkled in. */
function spiced(n: number): Float32Array {
  const v = rng.values(n).map((x) => Math.round(4 * x) / 2);
  for (let i = 0; i < n; i += 37) v[i] = SPECIALS[(i / 37) % SPECIALS.length]!;
  return v;
}

function firstDifference(ours: ArrayLike<number>, reference: ArrayLike<number>): string | undefined {
  if (ours.length !== reference.length) return `length ${ours.length} vs ${reference.length}`;
  for (let i = 0; i < ours.length; i++) if (!Object.is(ours[i], reference[i])) return `at ${i}: ${ours[i]} vs ${reference[i]}`;
  return undefined;
}

maybe('the SIMD kernels are compiled here', (t) => {
  for (const name of ['batchNorm', 'activations', 'maxPool'] as const) t.truthy(simdKernels(name), `${name}: ${simdLoadError()}`);
});

maybe('ReLU and its gradient equal tfjs’s rules bit for bit', (t) => {
  for (const n of [1, 3, 4, 17, 16_384, 16_385, 70_001]) {
    const x = spiced(n);
    t.is(firstDifference(reluSimd(x)!, x.map((v) => (v < 0 ? 0 : v))), undefined, `relu, ${n} values`);
    // The gradient sees ReLU's output: y ≥ 0, ±0 or NaN.
    const y = x.map((v) => (v < 0 ? 0 : v));
    const dy = spiced(n);
    t.is(firstDifference(reluGradientSimd(dy, y)!, dy.map((g, i) => g * Math.sign(y[i]!))), undefined, `relu gradient, ${n} values`);
  }
});

maybe('2×2 stride-2 max-pool and its gradient equal the cpu kernels bit for bit, over several chunks', async (t) => {
  for (const shape of [[1, 2, 2, 4], [2, 6, 4, 8], [3, 32, 32, 32], [2, 8, 8, 128]] as [number, number, number, number][]) {
    const size = shape.reduce((p, d) => p * d, 1);
    const x = spiced(size);
    // One window of only NaN, one of only −∞.
    for (const at of [0, shape[3], shape[2] * shape[3], (shape[2] + 1) * shape[3]]) x[at + 1] = NaN;
    for (const at of [0, shape[3], shape[2] * shape[3], (shape[2] + 1) * shape[3]]) x[at + 2] = -Infinity;
    const outShape: [number, number, number, number] = [shape[0], shape[1] / 2, shape[2] / 2, shape[3]];
    const dy = rng.values(outShape.reduce((p, d) => p * d, 1));
    await tf.setBackend('cpu');
    const [reference, referenceDx] = tf.tidy(() => {
      const input = tf.tensor4d(x, shape);
      const pooled = tf.maxPool(input, 2, 2, 'valid');
      const dx = tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid').mul(tf.tensor4d(dy, outShape)).sum())(input);
      return [pooled.dataSync().slice(), dx.dataSync().slice()];
    });
    const info = tf.backend_util.computePool2DInfo(shape, 2, 2, 1, 'valid');
    t.is(firstDifference(maxPool2x2Simd(x, info)!, reference!), undefined, `max-pool [${shape}]`);
    t.is(firstDifference(maxPoolGrad2x2Simd(x, dy, info)!, referenceDx!), undefined, `max-pool gradient [${shape}]`);
  }
  const odd = tf.backend_util.computePool2DInfo([1, 5, 4, 4], 2, 2, 1, 'valid');
  const fewChannels = tf.backend_util.computePool2DInfo([1, 4, 4, 3], 2, 2, 1, 'valid');
  t.is(maxPool2x2Simd(new Float32Array(80), odd), null, 'a left-over row takes the JavaScript loop');
  t.is(maxPool2x2Simd(new Float32Array(48), fewChannels), null, 'three channels take the JavaScript loop');
});
