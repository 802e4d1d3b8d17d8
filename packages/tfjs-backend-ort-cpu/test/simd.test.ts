import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { simdKernels, simdLoadError } from '../src/simd/simd-kernels.js';
import { preluGradientSimd, preluSimd, reluGradientSimd, reluSimd } from '../src/simd/activations-simd.js';
import { sgdMomentumStepSimd } from '../src/simd/sgd-simd.js';
import { channelMajorGridSimd } from '../src/simd/transpose-simd.js';
import { rowGrid } from '../src/conv/row-grid.js';
import { convGeometry } from '../src/conv/conv-geometry.js';
import { preluGradient } from '../src/kernels/FlbPreluGrad.js';
import { sgdMomentumStepValues } from '../src/kernels/FlbSgdMomentumStep.js';
import { maxPool2x2Simd, maxPoolGrad2x2Simd } from '../src/simd/max-pool-simd.js';
import { batchNormTrainingForward, batchNormTrainingGradient } from '../src/kernels/FlbBatchNormTraining.js';
import { batchNormTrainingForwardSimd, batchNormTrainingGradientSimd } from '../src/simd/batch-norm-simd.js';
import { makeRng, ortBackendReady, relativeError, RELATIVE_TOLERANCE } from './helpers/backend-compare.js';

/**
 * The WebAssembly SIMD kernels of ort-cpu against tfjs's rules, bit for bit (Object.is: NaN equals NaN, −0 and
 * +0 differ), on lengths that span several chunks and end in partial vectors, with NaN, ±∞ and signed zeros.
 * Batch norm's kernels are held to the JavaScript loops (summation order differs, so within a tolerance).
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
  for (const name of ['batchNorm', 'activations', 'maxPool', 'sgd', 'transpose'] as const) t.truthy(simdKernels(name), `${name}: ${simdLoadError()}`);
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

maybe('PReLU and its gradient: dx bit for bit, dα within tolerance, per-channel and per-position slopes', (t) => {
  for (const [rows, n] of [[1, 4], [3_001, 8], [40, 64], [7, 240], [2, 16_400]] as const) {
    const x = spiced(rows * n);
    const dy = spiced(rows * n).map((v) => (Number.isFinite(v) ? v : 0.5));
    const alpha = rng.values(n).map((v) => 0.25 + v / 10);
    const y = preluSimd(x, alpha)!;
    t.is(firstDifference(y, x.map((v, i) => (v < 0 ? Math.fround(alpha[i % n]! * v) : v))), undefined, `prelu [${rows}, ${n}]`);
    const ours = preluGradientSimd(dy, x, alpha)!;
    const loops = preluGradient(dy, x, alpha);
    t.is(firstDifference(ours.dx, loops.dx), undefined, `prelu dx [${rows}, ${n}]`);
    // NaN inputs make their slopes' dα NaN on both; the finite ones agree to rounding.
    const nanAt = (a: Float32Array) => Array.from(a, (v) => +Number.isNaN(v));
    t.is(firstDifference(nanAt(ours.dAlpha), nanAt(loops.dAlpha)), undefined, `prelu dα NaN positions [${rows}, ${n}]`);
    const finite = (a: Float32Array) => Array.from(a, (v) => (Number.isFinite(v) ? v : 0));
    const err = relativeError(finite(ours.dAlpha), finite(loops.dAlpha));
    t.true(err <= RELATIVE_TOLERANCE, `prelu dα [${rows}, ${n}]: rel err ${err}`);
  }
  t.is(preluSimd(new Float32Array(6), new Float32Array(3)), null, 'three slopes take the loop');
});

maybe('the SGD momentum step on SIMD gives the loop’s bits, with and without weight decay', (t) => {
  for (const n of [1, 5, 16_384, 40_003]) {
    const [w, v, g] = [0, 1, 2].map(() => rng.values(n).map((x, k) => x * 10 ** ((k % 7) - 3)));
    for (const attrs of [{ lr: 0.0137, momentum: 0.9, weightDecay: 5e-4 }, { lr: 0.1, momentum: 0.5, weightDecay: 0 }]) {
      const ours = sgdMomentumStepSimd(w!, v!, g!, attrs)!;
      const loop = sgdMomentumStepValues(w!, v!, g!, attrs);
      t.is(firstDifference(ours.w, loop.w), undefined, `w, ${n} values, ${JSON.stringify(attrs)}`);
      t.is(firstDifference(ours.v, loop.v), undefined, `v, ${n} values, ${JSON.stringify(attrs)}`);
    }
  }
});

maybe('dy onto the filter gradient’s row grid, channel-major: every value in its place, zeros in the gaps', (t) => {
  for (const [xShape, filterShape, pad] of [
    [[3, 7, 7, 8], [3, 3, 8, 12], 'same'],
    [[2, 32, 32, 4], [3, 3, 4, 32], 'same'],
    [[1, 9, 6, 16], [2, 2, 16, 4], 'valid'],
  ] as [[number, number, number, number], [number, number, number, number], 'same' | 'valid'][]) {
    const g = convGeometry(tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, pad));
    const grid = rowGrid(g)!;
    const dy = rng.values(g.batch * g.outHeight * g.outWidth * g.outChannels);
    const ours = channelMajorGridSimd(dy, g, grid)!.slice();
    const columns = g.batch * grid.slot;
    const expected = new Float32Array(g.outChannels * columns);
    for (let n = 0; n < g.batch; n++) {
      for (let r = 0; r < g.outHeight; r++) {
        for (let w = 0; w < g.outWidth; w++) {
          for (let c = 0; c < g.outChannels; c++) {
            expected[c * columns + n * grid.slot + r * grid.pitch + w] = dy[((n * g.outHeight + r) * g.outWidth + w) * g.outChannels + c]!;
          }
        }
      }
    }
    t.is(firstDifference(ours, expected), undefined, `[${xShape}] * [${filterShape}] ${pad}`);
  }
});

const bnRng = makeRng('batch-norm-simd');

maybe('batch norm on the SIMD kernels equals the JavaScript loops over many chunks, partial ones and large offsets', async (t) => {
  await tf.setBackend('ort-cpu');
  t.truthy(simdKernels('batchNorm'), `SIMD kernels did not load: ${simdLoadError()}`);
  for (const [rows, channels, offset] of [[20_011, 32, 0], [5_003, 12, 1000], [70_001, 4, -30], [257, 512, 3]] as const) {
    const x = bnRng.values(rows * channels).map((v) => offset + v);
    const dy = bnRng.values(rows * channels);
    const gamma = bnRng.values(channels).map((v) => 1 + v);
    const beta = bnRng.values(channels);
    const loops = batchNormTrainingForward(x, gamma, beta, channels, 1e-5);
    const simd = batchNormTrainingForwardSimd(x, gamma, beta, channels, 1e-5)!;
    const loopsGrad = batchNormTrainingGradient(dy, x, gamma, loops.mean, loops.variance, channels, 1e-5);
    const simdGrad = batchNormTrainingGradientSimd(dy, x, gamma, loops.mean, loops.variance, channels, 1e-5)!;
    const pairs = [
      ['y', simd.y, loops.y], ['mean', simd.mean, loops.mean], ['variance', simd.variance, loops.variance],
      ['dx', simdGrad.dx, loopsGrad.dx], ['dgamma', simdGrad.dGamma, loopsGrad.dGamma], ['dbeta', simdGrad.dBeta, loopsGrad.dBeta],
    ] as const;
    for (const [name, ours, reference] of pairs) {
      const err = relativeError(Array.from(ours), Array.from(reference));
      t.true(err <= RELATIVE_TOLERANCE, `[${rows}, ${channels}] offset ${offset} ${name}: rel err ${err}`);
    }
  }
  t.is(batchNormTrainingForwardSimd(new Float32Array(6), new Float32Array(3), new Float32Array(3), 3, 1e-5), null, 'three channels take the loops');
});
