import test from 'ava';
import * as tf from '@tensorflow/tfjs';
import { createBackbone, findBackbonePlugin } from '../harness/plugins/backbones/registry.js';
import { initEngine } from '../harness/engine/backend-choice.js';
import { UserError } from '../harness/core/errors.js';

test.before(async () => {
  await initEngine('cpu');
});

async function build(name: string, params: Record<string, number>, inputShape: [number, number, number], embeddingDim = 16, seed = 1) {
  return createBackbone((await findBackbonePlugin(name)).plugin, params, { inputShape, embeddingDim, seed }).model;
}

test('each backbone maps a batch of images to one embedding per image', async (t) => {
  for (const [name, params, shape] of [
    ['mlp', { hidden: 32, layers: 2 }, [32, 32, 1]],
    ['convnet', { width: 4, stages: 3 }, [32, 32, 3]],
    ['iresnet', { depth: 18, widthScale: 0.0625 }, [112, 112, 3]],
  ] as const) {
    const model = await build(name, params, [...shape]);
    const y = model.predict(tf.zeros([2, ...shape])) as tf.Tensor;
    t.deepEqual(y.shape, [2, 16], name);
    y.dispose();
    model.dispose();
  }
});

test('IR-ResNet reduces 112×112 to 7×7 over its four stages, with insightface block counts', async (t) => {
  const model = await build('iresnet', { depth: 34, widthScale: 0.0625 }, [112, 112, 3]);
  const flatten = model.layers.find((l) => l.getClassName() === 'Flatten')!;
  t.deepEqual(flatten.inputSpec?.[0]?.shape ?? (flatten.input as tf.SymbolicTensor).shape, [null, 7, 7, 32]);
  // depth 34 = [3, 4, 6, 3] blocks, each ending in an Add.
  t.is(model.layers.filter((l) => l.getClassName() === 'Add').length, 16);
  model.dispose();
});

test('initialisation is determined by the seed', async (t) => {
  const weights = async (seed: number) => {
    const model = await build('convnet', { width: 4, stages: 2 }, [32, 32, 1], 8, seed);
    const values = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return values;
  };
  t.deepEqual(await weights(5), await weights(5));
  t.notDeepEqual(await weights(5), await weights(6));
});

test('backbone parameters are validated', async (t) => {
  await t.throwsAsync(build('convnet', { width: 0 }, [32, 32, 1]), { instanceOf: UserError, message: /'width' = 0 is out of range/ });
  await t.throwsAsync(build('iresnet', { depth: 20 }, [112, 112, 3]), { instanceOf: UserError, message: /backbone 'iresnet': parameter 'depth' must be one of 18, 34, 50, 100, got 20/ });
});
