import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Loss plugins as a user writes them outside the repository, importing only the public kit and tfjs; tests
 * write them into a temporary folder and load them with --plugin.
 */
export const USER_PLUGINS = {
  /** A made-up margin loss: the target cosine shifted by m/2. */
  'half-margin': `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'half-margin',
  title: 'Half margin',
  params: { s: { default: 20, min: 1, doc: 'scale' }, m: { default: 0.2, min: 0, max: 1, doc: 'margin' } },
  createHead(ctx) {
    const { s, m } = ctx.params;
    return cosineHead(ctx, { scale: s, targetLogit: (cos) => tf.sub(cos, m / 2) });
  },
});
`,
  /** Returns NaN logits from training step 3 on, to exercise divergence handling. */
  explodes: `
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'explodes',
  title: 'Explodes',
  params: {},
  createHead: (ctx) => cosineHead(ctx, { scale: (batch) => (batch.training && batch.step >= 3 ? NaN : 10) }),
});
`,
  /** Logits that ignore W: its class weights would never train (a bug known from elsewhere). */
  'frozen-w': `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'frozen-w',
  title: 'Frozen W',
  params: {},
  createHead(ctx) {
    const head = cosineHead(ctx, { scale: 10 });
    return { ...head, forward: (x) => ({ logits: tf.matMul(x, tf.ones([x.shape[1], ctx.numClasses])) }) };
  },
});
`,
  /** Two logit columns whatever the class count: cross-entropy would still "train" on it, to a loss of zero. */
  'two-logits': `
import * as tf from '@tensorflow/tfjs';
import { cosineHead, defineLoss } from 'facelossbench/loss-kit';
export default defineLoss({
  name: 'two-logits',
  title: 'Two logits',
  params: {},
  createHead(ctx) {
    const head = cosineHead(ctx, { scale: 10 });
    return { ...head, forward: (x, labels, c) => ({ logits: tf.slice(head.forward(x, labels, c).logits, [0, 0], [-1, 2]) }) };
  },
});
`,
} as const;

/** Writes the named plugin into a fresh temporary folder and returns the file's path. */
export function writeUserPlugin(name: keyof typeof USER_PLUGINS): string {
  const file = join(mkdtempSync(join(tmpdir(), 'flb-user-plugin-')), `${name}.ts`);
  writeFileSync(file, USER_PLUGINS[name]);
  return file;
}
