import * as tf from '@tensorflow/tfjs';

/**
 * A backend that runs every kernel can still compute wrong numbers: on a WebGPU device requested with too small
 * limits, tfjs's reduction pipelines fail validation and their outputs read back as zeros, with no exception.
 * So before a run trusts the GPU, a few reductions (whole tensor, along rows, the maximum), a matrix product and
 * one backward pass through a convolution are compared with tfjs's cpu backend.
 */

/** float32 on a GPU sums in another order than the cpu backend; measured differences are below 2e-4. */
const TOLERANCE = 1e-3;

/** Values in [-1, 1) from a fixed linear congruential sequence: the same inputs on both backends. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  name: string;
  run: () => tf.Tensor;
}

const CASES: readonly Case[] = [
  // Reductions this long run tfjs's 256-wide workgroups (shorter ones smaller groups, which pass under any limits).
  { name: 'sum of 4099 values', run: () => tf.sum(tf.tensor1d(values(4099, 1))) },
  { name: 'mean along the rows of a 64×300 matrix', run: () => tf.mean(tf.tensor2d(values(64 * 300, 2), [64, 300]), 1) },
  { name: 'maximum of a 50×100 matrix', run: () => tf.max(tf.tensor2d(values(50 * 100, 3), [50, 100])) },
  {
    name: 'product of a 33×65 and a 65×17 matrix',
    run: () => tf.matMul(tf.tensor2d(values(33 * 65, 4), [33, 65]), tf.tensor2d(values(65 * 17, 5), [65, 17])),
  },
  {
    name: 'gradient of Σ relu(conv2d(x, f))² with respect to the filter f',
    run: () => {
      const x = tf.tensor4d(values(2 * 9 * 9 * 3, 6), [2, 9, 9, 3]);
      const f = tf.tensor4d(values(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]);
      return tf.grad((filter: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.conv2d(x, filter as tf.Tensor4D, 1, 'same')))))(f);
    },
  },
];

function compute(c: Case): Float32Array {
  return tf.tidy(() => c.run().dataSync() as Float32Array);
}

function relativeError(got: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i]! - expected[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

/**
 * Runs the cases on `backendName` and on 'cpu'; returns what differs, or null when all agree. Leaves
 * `backendName` active.
 */
export async function numbersDifferFromCpu(backendName: string): Promise<string | null> {
  const ours: (Float32Array | Error)[] = [];
  await tf.setBackend(backendName);
  for (const c of CASES) {
    try {
      ours.push(compute(c));
    } catch (e) {
      ours.push(e instanceof Error ? e : new Error(String(e)));
    }
  }
  await tf.setBackend('cpu');
  const failures: string[] = [];
  CASES.forEach((c, i) => {
    const got = ours[i]!;
    if (got instanceof Error) {
      failures.push(`${c.name}: ${got.message.split('\n')[0]}`);
      return;
    }
    const expected = compute(c);
    const err = relativeError(got, expected);
    if (!(err <= TOLERANCE)) {
      const show = (v: Float32Array) => Array.from(v.slice(0, 3), (x) => Number(x.toPrecision(6))).join(', ') + (v.length > 3 ? ', …' : '');
      failures.push(`${c.name}: relative error ${err.toPrecision(3)} (got ${show(got)}; the cpu backend ${show(expected)})`);
    }
  });
  await tf.setBackend(backendName);
  if (failures.length === 0) return null;
  // The first failure says what went wrong; a device error can surface a case or two later than its cause.
  const others = failures.slice(1).map((f) => f.slice(0, f.indexOf(':')));
  return others.length ? `${failures[0]} (also wrong: ${others.join('; ')})` : failures[0]!;
}
