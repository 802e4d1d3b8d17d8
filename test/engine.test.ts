import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, initEngine } from '../harness/engine/backend-choice.js';
import { UserError } from '../harness/core/errors.js';

/** One conv layer's forward and backward: needs Conv2DBackpropFilter, which tfjs-backend-wasm lacks. */
const convTrainingProbe = () => {
  const x = tf.randomNormal([2, 8, 8, 1]);
  const f = tf.variable(tf.randomNormal([3, 3, 1, 4]));
  const { grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x as tf.Tensor4D, f as tf.Variable<tf.Rank.R4>, 1, 'same')), [f]);
  tf.dispose([grads[f.name]!, f]);
};

test.serial('the pure backends present here are found', async (t) => {
  const present = await availableBackends();
  t.true(present.includes('cpu'));
  t.true(present.includes('wasm'));
});

test.serial('wasm is refused up front for a model that needs a kernel it lacks, naming the kernel', async (t) => {
  const e = await t.throwsAsync(initEngine('wasm', convTrainingProbe), { instanceOf: UserError });
  t.regex(e!.message, /backend 'wasm' cannot run this model: .*Conv2DBackpropFilter/);
});

test.serial('auto skips a backend whose kernels are missing and says why it chose what it chose', async (t) => {
  const info = await initEngine('auto', convTrainingProbe);
  t.not(info.backend, 'wasm');
  t.is(tf.getBackend(), info.backend);
  t.regex(info.reason, /^auto: tfjs-node unavailable; chose /);
});

test.serial("'tensorflow' without tfjs-node installed fails with a message saying how to get it", async (t) => {
  const nativePackage: string = '@tensorflow/tfjs-node'; // a variable: the optional package may be absent at type-check time
  const hasNative = await import(nativePackage).then(() => true, () => false);
  if (hasNative) {
    t.is((await initEngine('tensorflow')).backend, 'tensorflow');
    return;
  }
  const e = await t.throwsAsync(initEngine('tensorflow'), { instanceOf: UserError });
  t.regex(e!.message, /backend 'tensorflow' is not available: .*tfjs-node/);
});

test.serial('an MLP-only probe can run on wasm', async (t) => {
  const info = await initEngine('wasm', () => {
    const w = tf.variable(tf.randomNormal([4, 3]));
    const { grads } = tf.variableGrads(() => tf.sum(tf.matMul(tf.ones([2, 4]), w as tf.Variable<tf.Rank.R2>)), [w]);
    tf.dispose([grads[w.name]!, w]);
  });
  t.is(info.backend, 'wasm');
  t.is(info.reason, 'requested with --backend wasm');
  await initEngine('cpu');
});
