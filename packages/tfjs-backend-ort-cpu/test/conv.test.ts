import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { backend_util } from '@tensorflow/tfjs';
import { cachedSessionCount } from '../src/onnx/session-cache.js';
import { nchwcBlockSize } from '../src/conv/nchwc-conv.js';
import { convGeometry } from '../src/conv/conv-geometry.js';
import { conv2dGraph } from '../src/kernels/Conv2D.js';
import { conv2dBackpropInputGraph } from '../src/kernels/Conv2DBackpropInput.js';
import { rowGrid } from '../src/conv/row-grid.js';
import { makeRng, onBackend, ortBackendReady, relativeError, RELATIVE_TOLERANCE, type Nested, type Rng } from './helpers/backend-compare.js';

const available = await ortBackendReady();
const maybe = available ? test.serial : test.skip;
if (!available) console.log('onnxruntime-node cannot load here: ort-cpu convolution tests skipped');

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat: 'NHWC' | 'NCHW';
  x: Float32Array;
  filter: Float32Array;
}

/**
 * Random geometry covering what tfjs accepts: 'same' / 'valid' / explicit per-side pads / a number with a
 * rounding mode, strides 1–3, dilations 1–2 (tfjs forbids dilation with stride > 1, and in gradients), both
 * data formats, filters up to 4×4 and not square; channels 1–6, or whole NCHWc blocks.
 */
function randomCase(rng: Rng, forGradient: boolean, blockedChannels = false): ConvCase {
  for (;;) {
    const n = rng.int(1, 3);
    const h = rng.int(3, 11);
    const w = rng.int(3, 11);
    // Whole NCHWc blocks (8 channels with AVX2, 16 with AVX-512) take the blocked kernels; other counts take Conv.
    const ci = blockedChannels ? rng.pick([16, 32]) : rng.int(1, 5);
    const co = blockedChannels ? rng.pick([16, 32]) : rng.int(1, 6);
    const fh = rng.int(1, 4);
    const fw = rng.int(1, 4);
    const strides: [number, number] = [rng.int(1, 3), rng.int(1, 3)];
    const dilated = !forGradient && strides[0] === 1 && strides[1] === 1 && rng.pick([false, true]);
    const dilations: [number, number] = dilated ? [rng.int(1, 2), rng.int(1, 2)] : [1, 1];
    const dataFormat = rng.pick(['NHWC', 'NCHW'] as const);
    const padKind = rng.pick(['same', 'valid', 'explicit', 'number'] as const);
    const explicit: [number, number][] = [
      [rng.int(0, 2), rng.int(0, 2)],
      [rng.int(0, 2), rng.int(0, 2)],
    ];
    const pad: Pad =
      padKind === 'explicit'
        ? dataFormat === 'NHWC'
          ? [[0, 0], explicit[0], explicit[1], [0, 0]]
          : [[0, 0], [0, 0], explicit[0], explicit[1]]
        : padKind === 'number'
          ? rng.int(0, 2)
          : padKind;
    const dimRoundingMode = padKind === 'number' ? rng.pick(['floor', 'round', 'ceil'] as const) : undefined;
    const effH = (fh - 1) * dilations[0] + 1;
    const effW = (fw - 1) * dilations[1] + 1;
    const padH = typeof pad === 'number' ? 2 * pad : 4;
    if (padKind !== 'same' && (effH > h + (padKind === 'valid' ? 0 : padH) || effW > w + (padKind === 'valid' ? 0 : padH))) continue;
    if (padKind === 'explicit' && (effH > h + explicit[0][0] + explicit[0][1] || effW > w + explicit[1][0] + explicit[1][1])) continue;
    const xShape: [number, number, number, number] = dataFormat === 'NHWC' ? [n, h, w, ci] : [n, ci, h, w];
    return {
      xShape,
      filterShape: [fh, fw, ci, co],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      dataFormat,
      x: rng.values(n * h * w * ci),
      filter: rng.values(fh * fw * ci * co),
    };
  }
}

function describe(c: ConvCase): string {
  const { x: _x, filter: _f, ...geometry } = c;
  return JSON.stringify(geometry);
}

function conv(c: ConvCase, x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  return tf.conv2d(x, filter, c.strides, c.pad, c.dataFormat, c.dilations, c.dimRoundingMode);
}

async function bothBackends(compute: () => tf.Tensor | tf.Tensor[], c?: ConvCase): Promise<{ ours: Nested[]; reference: Nested[] }> {
  const reference = await onBackend('cpu', compute);
  try {
    return { reference, ours: await onBackend('ort-cpu', compute) };
  } catch (e) {
    throw new Error(`ort-cpu failed on ${c ? describe(c) : 'a case'}: ${(e as Error).message}`);
  }
}

for (const blocked of [false, true]) {
const channels = blocked ? 'channels in whole NCHWc blocks' : 'few channels';

maybe(`Conv2D forward matches the cpu kernel on random strides, paddings, dilations and data formats (${channels})`, async (t) => {
  const rng = makeRng(`conv-forward-${blocked}`);
  const sessionsBefore = cachedSessionCount();
  for (let i = 0; i < 40; i++) {
    const c = randomCase(rng, false, blocked);
    const { ours, reference } = await bothBackends(() => conv(c, tf.tensor4d(c.x, c.xShape), tf.tensor4d(c.filter, c.filterShape)), c);
    const err = relativeError(ours[0], reference[0]);
    t.true(err <= RELATIVE_TOLERANCE, `case ${i} ${describe(c)}: rel err ${err}`);
  }
  // Only geometries tfjs sizes inconsistently (numeric pad, unequal strides) may fall back to the reference.
  t.log(`${cachedSessionCount() - sessionsBefore} of 40 cases ran on ORT`);
  t.true(cachedSessionCount() - sessionsBefore >= 30);
});

maybe(`Conv2DBackpropInput and Conv2DBackpropFilter (via tf.grads) match the cpu backend (${channels})`, async (t) => {
  const rng = makeRng(`conv-gradient-${blocked}`);
  const sessionsBefore = cachedSessionCount();
  for (let i = 0; i < 40; i++) {
    const c = randomCase(rng, true, blocked);
    const { ours, reference } = await bothBackends(() => {
      const x = tf.tensor4d(c.x, c.xShape);
      const filter = tf.tensor4d(c.filter, c.filterShape);
      // A fixed random probe makes every output position's gradient different (a plain sum would not).
      const probe = tf.randomUniform(conv(c, x, filter).shape, -1, 1, 'float32', i);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(c, a as tf.Tensor4D, b as tf.Tensor4D).mul(probe).sum())([x, filter]);
    }, c);
    for (const [which, name] of [[0, 'dx'], [1, 'dfilter']] as const) {
      const err = relativeError(ours[which], reference[which]);
      t.true(err <= RELATIVE_TOLERANCE, `case ${i} ${name} ${describe(c)}: rel err ${err}`);
    }
  }
  // Three graphs per case (forward, dx, dfilter) unless tfjs's gradient disagrees with its forward geometry.
  t.log(`${cachedSessionCount() - sessionsBefore} ORT graphs for 40 cases`);
  t.true(cachedSessionCount() - sessionsBefore >= 90);
});

maybe(`FusedConv2D with bias and each activation matches the cpu backend; relu and linear also in gradient (${channels})`, async (t) => {
  const rng = makeRng(`fused-conv-${blocked}`);
  const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
  for (const [i, activation] of activations.entries()) {
    const c = randomCase(rng, true, blocked);
    const co = c.filterShape[3];
    const bias = rng.values(co);
    const alpha = rng.values(co);
    const run = (x: tf.Tensor, filter: tf.Tensor, b: tf.Tensor) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: filter as tf.Tensor4D,
        strides: c.strides,
        pad: c.pad,
        dataFormat: c.dataFormat,
        dimRoundingMode: c.dimRoundingMode,
        bias: b,
        activation,
        preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alpha) : undefined,
        leakyreluAlpha: 0.07,
      });
    const inputs = () => [tf.tensor4d(c.x, c.xShape), tf.tensor4d(c.filter, c.filterShape), tf.tensor1d(bias)];
    const forward = await bothBackends(() => {
      const [x, f, b] = inputs();
      return run(x, f, b);
    });
    t.true(relativeError(forward.ours[0], forward.reference[0]) <= RELATIVE_TOLERANCE, `${activation} forward ${describe(c)}`);
    // tfjs differentiates fused convolutions only for linear and relu, and only in NHWC.
    if ((activation !== 'linear' && activation !== 'relu') || c.dataFormat !== 'NHWC') continue;
    const gradient = await bothBackends(() => {
      const probe = tf.randomUniform(run(...(inputs() as [tf.Tensor, tf.Tensor, tf.Tensor])).shape, -1, 1, 'float32', i);
      return tf.grads((x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => run(x, f, b).mul(probe).sum())(inputs());
    });
    for (let k = 0; k < 3; k++) {
      const err = relativeError(gradient.ours[k], gradient.reference[k]);
      t.true(err <= RELATIVE_TOLERANCE, `${activation} gradient ${k} ${describe(c)}: rel err ${err}`);
    }
  }
});

}

maybe('convolutions and stride-1 input gradients on whole channel blocks are built on the NCHWc kernels', (t) => {
  const b = nchwcBlockSize();
  if (b === 0) {
    t.log('this onnxruntime build has no NCHWc kernels: every convolution takes ORT Conv');
    t.pass();
    return;
  }
  const g = convGeometry(backend_util.computeConv2DInfo([2, 9, 9, 2 * b], [3, 3, 2 * b, b], 1, 1, 'same'));
  const domains = (graph: { nodes: readonly { domain?: string }[] }) => new Set(graph.nodes.map((n) => n.domain ?? ''));
  t.true(domains(conv2dGraph(g, {})).has('com.microsoft.nchwc'));
  t.true(domains(conv2dBackpropInputGraph(g)).has('com.microsoft.nchwc'));
  const few = convGeometry(backend_util.computeConv2DInfo([2, 9, 9, b + 1], [3, 3, b + 1, b], 1, 1, 'same'));
  t.false(domains(conv2dGraph(few, {})).has('com.microsoft.nchwc'));
});

maybe('the stride-1 NHWC filter gradient on shared rows matches the cpu backend on random paddings and kernels', async (t) => {
  const rng = makeRng('filter-gradient-rows');
  let onRows = 0;
  for (let i = 0; i < 48; i++) {
    const c = randomCase(rng, true, rng.pick([false, true]));
    c.strides = [1, 1];
    if (c.dataFormat === 'NCHW' || typeof c.pad === 'number') continue;
    // More than four input channels: fewer take the im2col graph.
    const ci = rng.int(5, 9);
    c.filterShape = [c.filterShape[0], c.filterShape[1], ci, c.filterShape[3]];
    c.xShape = [c.xShape[0], c.xShape[1], c.xShape[2], ci];
    c.x = rng.values(c.xShape.reduce((a, b) => a * b, 1));
    c.filter = rng.values(c.filterShape.reduce((a, b) => a * b, 1));
    const g = convGeometry(backend_util.computeConv2DInfo(c.xShape, c.filterShape, 1, 1, c.pad));
    if (rowGrid(g) !== null && c.filterShape[0] * c.filterShape[1] > 1) onRows++;
    const { ours, reference } = await bothBackends(
      () => tf.grad((f: tf.Tensor) => conv(c, tf.tensor4d(c.x, c.xShape), f as tf.Tensor4D).mul(tf.randomUniform(conv(c, tf.tensor4d(c.x, c.xShape), tf.tensor4d(c.filter, c.filterShape)).shape, -1, 1, 'float32', i)).sum())(tf.tensor4d(c.filter, c.filterShape)),
      c,
    );
    const err = relativeError(ours[0], reference[0]);
    t.true(err <= RELATIVE_TOLERANCE, `case ${i} ${describe(c)}: rel err ${err}`);
  }
  t.log(`${onRows} cases on shared rows`);
  t.true(onRows >= 8);
});

maybe('a hand-computed convolution and its filter gradient come out exactly', async (t) => {
  // x = 1..9 on a 3×3 grid, filter 2×2 of ones, valid, stride 1: each output is the sum of a 2×2 window.
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const ones = tf.ones([2, 2, 1, 1]) as tf.Tensor4D;
  const [y] = await onBackend('ort-cpu', () => tf.conv2d(x, ones, 1, 'valid'));
  t.deepEqual(y, [[[[12], [16]], [[24], [28]]]]);
  // d(sum y)/d filter[i][j] = sum of the 2×2 block of x starting at (i, j): [[12, 16], [24, 28]] again.
  const [dw] = await onBackend('ort-cpu', () => tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, 1, 'valid').sum())(ones));
  t.deepEqual(dw, [[[[12]], [[16]]], [[[24]], [[28]]]]);
  // d(sum y)/dx counts how many windows cover each pixel: corners 1, edges 2, centre 4.
  const [dx] = await onBackend('ort-cpu', () => tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, ones, 1, 'valid').sum())(x));
  t.deepEqual(dx, [[[[1], [2], [1]], [[2], [4], [2]], [[1], [2], [1]]]]);
});
