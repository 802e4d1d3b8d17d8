import * as tf from '@tensorflow/tfjs';
import { headPass } from './head-pass.js';
import type { ForwardContext, LossHead, LossPlugin } from './contract.js';
import { createLossHead } from './registry.js';
import type { RawParams } from '../params.js';
import { CHECK_NAMES, classWeightsProblem, finiteLogitsProblem, logitsShapeProblem } from './output-checks.js';

/**
 * The conformance suite any loss plugin must pass before it is trusted in a sweep: shapes, finite loss and
 * gradients on ordinary and adversarial batches, trained class weights, state round-trip, determinism,
 * diagnostics. `flb plugins check` prints one line per check.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

const N = 8;
const D = 16;
const C = 10;
const REQUIRED_DIAGNOSTICS = ['scale', 'thetaMedDeg', 'thetaMeanDeg', 'thetaNonTargetMeanDeg'] as const;

interface Batch {
  x: tf.Tensor2D;
  labels: tf.Tensor1D;
}

function randomBatch(seed: number, n = N, classes = C): Batch {
  const rng = tf.randomUniform([n], 0, classes, 'float32', seed + 1);
  return {
    x: tf.randomNormal([n, D], 0, 1, 'float32', seed) as tf.Tensor2D,
    labels: tf.cast(tf.floor(rng), 'int32') as tf.Tensor1D,
  };
}

/** Weight columns per class: 1, or K for heads with K sub-centres per class (columns j·K … j·K+K−1). */
function columnsPerClass(head: LossHead, numClasses: number): number {
  return head.classWeights.shape[1]! / numClasses;
}

/** Every sample placed on (sign 1) or opposite (sign −1) its own class weight: θ_y = 0 or π exactly. */
function alignedBatch(head: LossHead, sign: 1 | -1, labels: number[]): Batch {
  const perClass = columnsPerClass(head, C);
  const columns = tf.tensor1d(labels.map((l) => l * perClass), 'int32');
  const x = tf.mul(tf.transpose(tf.gather(head.classWeights, columns, 1)), sign * 50) as tf.Tensor2D;
  return { x, labels: tf.tensor1d(labels, 'int32') };
}

function finiteAll(...ts: tf.Tensor[]): boolean {
  return ts.every((t) => (tf.all(tf.isFinite(t)).dataSync()[0] ?? 0) === 1);
}

function maxAbs(t: tf.Tensor): number {
  return tf.max(tf.abs(t)).dataSync()[0]!;
}

export function checkLossPlugin(plugin: LossPlugin, params: RawParams = {}): CheckResult[] {
  const results: CheckResult[] = [];
  const check = (name: string, body: () => string) => {
    try {
      results.push({ name, ok: true, detail: tf.tidy(body) });
    } catch (e) {
      results.push({ name, ok: false, detail: (e as Error).message.split('\n')[0]! });
    }
  };
  const make = (numClasses = C, seed = 7) => createLossHead(plugin, params, { numClasses, embeddingDim: D, seed }).head;
  const withHead = <T>(numClasses: number, body: (head: LossHead) => T, seed = 7): T => {
    const head = make(numClasses, seed);
    try {
      return body(head);
    } finally {
      head.dispose();
    }
  };
  const finitePass = (head: LossHead, batch: Batch, training = true) => {
    const p = headPass(head, batch.x, batch.labels, { step: 0, training });
    if (!Number.isFinite(p.loss)) throw new Error(`loss is ${p.loss}`);
    const notFinite = finiteLogitsProblem(finiteAll(p.logits));
    if (notFinite) throw new Error(notFinite);
    if (!finiteAll(p.gradEmbeddings, ...p.gradVariables)) throw new Error('a gradient is not finite');
    tf.dispose(p.logits);
    return p;
  };

  check(CHECK_NAMES.weights, () =>
    withHead(C, (head) => {
      if (!head.variables.includes(head.classWeights)) throw new Error('classWeights is not among the trained variables');
      const problem = classWeightsProblem(head.classWeights.shape, D, C);
      if (problem) throw new Error(problem);
      return `${head.variables.length} variable(s), W ${head.classWeights.shape.join('×')}`;
    }),
  );
  check(CHECK_NAMES.shapes, () =>
    withHead(C, (head) => {
      const b = randomBatch(1);
      const { logits } = head.forward(b.x, b.labels, { step: 0, training: true });
      const problem = logitsShapeProblem(logits.shape, N, C);
      if (problem) throw new Error(problem);
      return `logits ${N}×${C}`;
    }),
  );
  check(CHECK_NAMES.finite, () =>
    withHead(C, (head) => `loss ${finitePass(head, randomBatch(2)).loss.toFixed(4)}`),
  );
  check('class weights receive gradient (are trained)', () =>
    withHead(C, (head) => {
      const g = maxAbs(finitePass(head, randomBatch(3)).gradWeights);
      if (!(g > 0)) throw new Error('d loss / d W is zero: the class weights would stay frozen');
      return `max |dL/dW| ${g.toExponential(2)}`;
    }),
  );
  check('finite at θ = 0 (every sample on its class weight)', () =>
    withHead(C, (head) => `loss ${finitePass(head, alignedBatch(head, 1, [0, 1, 2, 3, 4, 5, 6, 7])).loss.toFixed(4)}`),
  );
  check('finite at θ = π (every sample opposite its class weight)', () =>
    withHead(C, (head) => `loss ${finitePass(head, alignedBatch(head, -1, [0, 1, 2, 3, 4, 5, 6, 7])).loss.toFixed(4)}`),
  );
  check('finite on duplicated samples', () =>
    withHead(C, (head) => {
      const b = randomBatch(4, 1);
      const batch = { x: tf.tile(b.x, [N, 1]) as tf.Tensor2D, labels: tf.tile(b.labels, [N]) as tf.Tensor1D };
      return `loss ${finitePass(head, batch).loss.toFixed(4)}`;
    }),
  );
  check('finite on a batch of a single class', () =>
    withHead(C, (head) => {
      const b = randomBatch(5);
      return `loss ${finitePass(head, { x: b.x, labels: tf.fill([N], 3, 'int32') as tf.Tensor1D }).loss.toFixed(4)}`;
    }),
  );
  check('finite with C = 3 classes', () => withHead(3, (head) => `loss ${finitePass(head, randomBatch(6, N, 3)).loss.toFixed(4)}`));
  check('diagnostics present and finite', () =>
    withHead(C, (head) => {
      finitePass(head, randomBatch(7));
      const diag = head.diagnostics();
      const bad = REQUIRED_DIAGNOSTICS.filter((k) => typeof diag[k] !== 'number' || !Number.isFinite(diag[k]));
      if (bad.length) throw new Error(`missing or not finite: ${bad.join(', ')}`);
      return REQUIRED_DIAGNOSTICS.map((k) => `${k} ${diag[k]!.toFixed(2)}`).join(', ');
    }),
  );
  check('evaluation does not change state', () =>
    withHead(C, (head) => {
      finitePass(head, randomBatch(8));
      const before = JSON.stringify(head.state());
      finitePass(head, randomBatch(9), false);
      const after = JSON.stringify(head.state());
      if (before !== after) throw new Error(`state changed in evaluation: ${before} → ${after}`);
      return 'unchanged';
    }),
  );
  /**
   * Head a after two training steps, and head b restored from a's JSON state and W; both then run one more batch
   * under `ctx`, and their logits must agree before `body` compares anything else.
   */
  const restoredPair = <T>(seed: number, ctx: ForwardContext, mismatch: string, body: (a: LossHead, b: LossHead) => T): T => {
    const a = make();
    const b = make();
    try {
      finitePass(a, randomBatch(seed));
      finitePass(a, randomBatch(seed + 1));
      b.load(JSON.parse(JSON.stringify(a.state())) as Record<string, unknown>);
      b.classWeights.assign(a.classWeights);
      const batch = randomBatch(seed + 2);
      const la = a.forward(batch.x, batch.labels, ctx).logits;
      const lb = b.forward(batch.x, batch.labels, ctx).logits;
      const diff = maxAbs(tf.sub(la, lb));
      if (diff !== 0) throw new Error(`${mismatch} (max diff ${diff})`);
      return body(a, b);
    } finally {
      a.dispose();
      b.dispose();
    }
  };
  check('state round-trip (JSON)', () =>
    restoredPair(10, { step: 5, training: false }, 'a head restored from state() gives other logits', (a) => `state ${JSON.stringify(a.state())}`),
  );
  check('resume: a head restored from state() trains on identically', () =>
    restoredPair(15, { step: 2, training: true }, "the restored head's next training step gives other logits", (a, b) => {
      const [sa, sb] = [JSON.stringify(a.state()), JSON.stringify(b.state())];
      if (sa !== sb) throw new Error(`the restored head's state after a training step differs: ${sa} vs ${sb}`);
      const [da, db] = [JSON.stringify(a.draws?.() ?? []), JSON.stringify(b.draws?.() ?? [])];
      if (da !== db) throw new Error('the restored head drew other random values at the same step');
      return `state after the step ${sa}`;
    }),
  );
  check('random draws depend on the seed and the step only', () => {
    const drawsAt = (seed: number, step: number) =>
      withHead(
        C,
        (head) => {
          const b = randomBatch(18);
          head.forward(b.x, b.labels, { step, training: true });
          return head.draws?.() ?? [];
        },
        seed,
      );
    const first = drawsAt(3, 5);
    if (first.length === 0) return 'draws nothing';
    if (JSON.stringify(drawsAt(3, 5)) !== JSON.stringify(first)) throw new Error('two heads with one seed drew differently at one step');
    if (JSON.stringify(drawsAt(3, 6)) === JSON.stringify(first)) throw new Error('the next step drew the same values: nothing is drawn per step');
    if (JSON.stringify(drawsAt(4, 5)) === JSON.stringify(first)) throw new Error('another seed drew the same values');
    return `${first.length} values per step, e.g. ${first.slice(0, 3).map((v) => v.toFixed(4)).join(', ')}`;
  });
  check('same result twice under a seed', () => {
    const run = () =>
      withHead(
        C,
        (head) => {
          const p1 = finitePass(head, randomBatch(13));
          const p2 = finitePass(head, randomBatch(14));
          return [p1.loss, p2.loss, ...Array.from(p2.gradWeights.dataSync())];
        },
        42,
      );
    const first = run();
    const second = run();
    const same = first.length === second.length && first.every((v, i) => Object.is(v, second[i]));
    if (!same) throw new Error('two heads made with the same seed disagree on loss or gradients');
    return `loss ${first[0]!.toFixed(6)} both times`;
  });
  return results;
}
