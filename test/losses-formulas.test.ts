import test, { type ExecutionContext } from 'ava';
import seedrandom from 'seedrandom';
import { availableBackends, initEngine } from '../harness/engine/backend-choice.js';
import { UserError } from '../harness/core/errors.js';
import { createLossHead, findLossPlugin } from '../harness/plugins/losses/registry.js';
import type { RawParams } from '../harness/plugins/params.js';
import { probeLoss, type ProbeInput, type ProbeOutput } from '../harness/plugins/losses/probe.js';
import {
  adacosNextScale,
  cosines,
  finiteDifferenceGradients,
  meanCrossEntropy,
  referenceLogits,
  sphereFaceLambda,
  sphereFacePsi,
  type Matrix,
  type ReferenceInput,
} from './helpers/loss-reference.js';
import { webgpuTest } from './helpers/webgpu.js';

const backends = await availableBackends();

function randomInput(seed: string, n = 5, d = 6, c = 7): ReferenceInput {
  const rng = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return {
    x: Array.from({ length: n }, () => Array.from({ length: d }, gauss)),
    W: Array.from({ length: d }, () => Array.from({ length: c }, gauss)),
    labels: Array.from({ length: n }, () => Math.floor(rng() * c)),
  };
}

async function probe(name: string, inp: ReferenceInput, params: RawParams = {}, extra: Partial<ProbeInput> = {}): Promise<ProbeOutput> {
  const { plugin } = await findLossPlugin(name);
  return probeLoss(plugin, params, { embeddings: inp.x, weights: inp.W, labels: inp.labels, step: inp.step, ...extra });
}

function maxRelDiff(a: Matrix, b: Matrix): number {
  const scale = Math.max(1, ...b.flat().map(Math.abs));
  return Math.max(...a.flat().map((v, i) => Math.abs(v - b.flat()[i]!))) / scale;
}

const C = 7;
const cases: { name: string; params?: RawParams; logits: (inp: ReferenceInput) => Matrix; step?: number }[] = [
  { name: 'softmax', logits: referenceLogits.softmax() },
  { name: 'l2-softmax', logits: referenceLogits.l2Softmax(Math.log((0.9 * (C - 2)) / 0.1)) },
  { name: 'l2-softmax', params: { alpha: 12 }, logits: referenceLogits.l2Softmax(12) },
  { name: 'cosface', logits: referenceLogits.cosface(64, 0.35) },
  { name: 'cosface', params: { s: 30, m: 0.2 }, logits: referenceLogits.cosface(30, 0.2) },
  { name: 'arcface', logits: referenceLogits.arcface(64, 0.5) },
  { name: 'arcface', params: { s: 16, m: 1.2 }, logits: referenceLogits.arcface(16, 1.2) },
  { name: 'adacos-fixed', logits: referenceLogits.scaled(Math.SQRT2 * Math.log(C - 1)) },
  { name: 'sphereface', step: 0, logits: referenceLogits.sphereface(4, 1000) },
  { name: 'sphereface', step: 40, logits: referenceLogits.sphereface(4, sphereFaceLambda(40)) },
  { name: 'sphereface', step: 5000, params: { m: 3 }, logits: referenceLogits.sphereface(3, 5) },
];

/** The logits and loss of every case on the active backend, against the float64 formulas. */
async function formulasMatch(t: ExecutionContext, backend: string): Promise<void> {
  for (const [k, c] of cases.entries()) {
    const inp = { ...randomInput(`logits-${k}`), step: c.step };
    const out = await probe(c.name, inp, c.params ?? {});
    const ref = c.logits(inp);
    const label = `${backend} ${c.name} ${JSON.stringify(c.params ?? {})} step ${c.step ?? 0}`;
    t.true(maxRelDiff(out.logits, ref) < 2e-5, `${label}: logits differ by ${maxRelDiff(out.logits, ref)}`);
    const refLoss = meanCrossEntropy(ref, inp.labels);
    t.true(Math.abs(out.loss - refLoss) <= 1e-4 * Math.max(1, refLoss), `${label}: loss ${out.loss} vs ${refLoss}`);
  }
}

/** The gradients of every case on the active backend, against central differences of the float64 formulas. */
async function gradientsMatch(t: ExecutionContext, backend: string): Promise<void> {
  for (const [k, c] of cases.entries()) {
    const inp = { ...randomInput(`grad-${k}`, 4, 5, C), step: c.step };
    const out = await probe(c.name, inp, c.params ?? {});
    const { gx, gW } = finiteDifferenceGradients(c.logits, inp);
    t.true(maxRelDiff(out.gradEmbeddings, gx) < 1e-3, `${backend} ${c.name}: dL/dx off by ${maxRelDiff(out.gradEmbeddings, gx)}`);
    t.true(maxRelDiff(out.gradWeights, gW) < 1e-3, `${backend} ${c.name}: dL/dW off by ${maxRelDiff(out.gradWeights, gW)}`);
  }
}

test.serial('logits and loss match the formulas of DESIGN.md on every backend', async (t) => {
  for (const backend of backends) {
    await initEngine(backend as never);
    await formulasMatch(t, backend);
  }
});

test.serial('gradients match central finite differences of the reference formulas', async (t) => {
  await initEngine('cpu');
  await gradientsMatch(t, 'cpu');
});

/** x at angle θ (radians) from the unit vector e0 in 2-D; W's columns e0, e1 and −e0. */
function planar(thetas: number[], radius = 2): ReferenceInput {
  return {
    x: thetas.map((th) => [radius * Math.cos(th), radius * Math.sin(th)]),
    W: [
      [1, 0, -1],
      [0, 1, 0],
    ],
    labels: thetas.map(() => 0),
  };
}

async function arcfaceAtKnownAngles(t: ExecutionContext): Promise<void> {
  const deg = Math.PI / 180;
  const out = await probe('arcface', planar([30 * deg, 90 * deg, 150 * deg, 170 * deg]));
  const target = out.logits.map((row) => row[0]!);
  t.true(Math.abs(target[0]! - 64 * Math.cos(30 * deg + 0.5)) < 1e-3);
  t.true(Math.abs(target[1]! - 64 * Math.cos(90 * deg + 0.5)) < 1e-3);
  // 150° + 0.5 rad = 178.6° < 180°: still cos(θ + m).
  t.true(Math.abs(target[2]! - 64 * Math.cos(150 * deg + 0.5)) < 1e-3);
  // 170° + 28.6° > 180°: fallback s·(cos θ − m·sin m).
  t.true(Math.abs(target[3]! - 64 * (Math.cos(170 * deg) - 0.5 * Math.sin(0.5))) < 1e-3);
  // Non-target logits stay s·cos θ_j: the 90° class.
  t.true(Math.abs(out.logits[0]![1]! - 64 * Math.cos(60 * deg)) < 1e-3);
  // The fallback keeps the target logit decreasing in θ.
  t.true(target[3]! < target[2]!);
}

async function sphereFaceBranches(t: ExecutionContext): Promise<void> {
  const deg = Math.PI / 180;
  const thetas = [20 * deg, 60 * deg, 110 * deg, 160 * deg]; // k = 0, 1, 2, 3 for m = 4
  const hand = [Math.cos(80 * deg), -Math.cos(240 * deg) - 2, Math.cos(440 * deg) - 4, -Math.cos(640 * deg) - 6];
  thetas.forEach((th, i) => t.true(Math.abs(sphereFacePsi(th, 4) - hand[i]!) < 1e-12, `reference ψ, branch ${i}`));
  for (const [step, lambda] of [
    [0, 1000],
    [100, 1000 / 13],
    [10000, 5],
  ] as const) {
    const out = await probe('sphereface', { ...planar(thetas, 3), step });
    thetas.forEach((th, i) => {
      const expected = 3 * (Math.cos(th) + (hand[i]! - Math.cos(th)) / (1 + lambda));
      t.true(Math.abs(out.logits[i]![0]! - expected) < 1e-4, `step ${step} θ ${th / deg}°: ${out.logits[i]![0]} vs ${expected}`);
    });
    t.true(Math.abs(out.logits[0]![1]! - 3 * Math.cos(70 * deg)) < 1e-4, 'non-target logit is ‖x‖ cos θ_j');
  }
}

async function dynamicAdaCosScale(t: ExecutionContext): Promise<void> {
  const inp = randomInput('adacos', 5, 6, 9);
  const s0 = Math.SQRT2 * Math.log(9 - 1);
  const s1 = adacosNextScale(inp.x, inp.W, inp.labels, s0);
  const out = await probe('adacos-dynamic', inp);
  t.true(Math.abs((out.state.scale as number) - s1) < 1e-4 * s1, `scale ${out.state.scale} vs ${s1}`);
  const cos = cosines(inp.x, inp.W);
  t.true(maxRelDiff(out.logits, cos.map((r) => r.map((c) => s1 * c))) < 2e-5, 'the new scale multiplies this batch');
  t.true(Math.abs(out.diagnostics.scale! - s1) < 1e-4 * s1);

  // From a given state: s_prev = 12.3.
  const fromState = await probe('adacos-dynamic', inp, {}, { state: { scale: 12.3 } });
  const s2 = adacosNextScale(inp.x, inp.W, inp.labels, 12.3);
  t.true(Math.abs((fromState.state.scale as number) - s2) < 1e-4 * s2);

  // Evaluation leaves the scale alone and uses it as is.
  const evaluation = await probe('adacos-dynamic', inp, {}, { state: { scale: 12.3 }, training: false });
  t.is(evaluation.state.scale, 12.3);
  t.true(maxRelDiff(evaluation.logits, cos.map((r) => r.map((c) => 12.3 * c))) < 2e-5);

  // Even batch: mean of the two middle angles, or the lower one with lowerMedian (torch.median).
  const even = randomInput('adacos-even', 4, 6, 9);
  const evenOut = await probe('adacos-dynamic', even);
  t.true(Math.abs((evenOut.state.scale as number) - adacosNextScale(even.x, even.W, even.labels, s0)) < 1e-3);
}

async function bAvgWithoutOverflow(t: ExecutionContext): Promise<void> {
  const inp = randomInput('overflow', 5, 6, 9);
  const out = await probe('adacos-dynamic', inp, {}, { state: { scale: 200 } }); // exp(200) overflows float32
  const expected = adacosNextScale(inp.x, inp.W, inp.labels, 200);
  t.true(Number.isFinite(out.state.scale as number));
  t.true(Math.abs((out.state.scale as number) - expected) < 1e-4 * Math.abs(expected), `${out.state.scale} vs ${expected}`);
}

/** Loss-specific cases worked out by hand, run on cpu here and on webgpu below. */
const handWorked: [string, (t: ExecutionContext) => Promise<void>][] = [
  ['ArcFace target logit at known angles, including the fallback where θ + m > π', arcfaceAtKnownAngles],
  ['SphereFace ψ on each of its k branches and λ at given steps', sphereFaceBranches],
  ['dynamic AdaCos: scale after one step from B_avg and θ_med, untouched in evaluation', dynamicAdaCosScale],
  ['B_avg does not overflow where exp(s·cos) exceeds float32', bAvgWithoutOverflow],
];

for (const [title, check] of handWorked) {
  test.serial(title, async (t) => {
    await initEngine('cpu');
    await check(t);
  });
}

webgpuTest('logits, loss, gradients and the hand-worked cases match the float64 references', async (t) => {
  await initEngine('webgpu');
  await formulasMatch(t, 'webgpu');
  await gradientsMatch(t, 'webgpu');
  for (const [, check] of handWorked) await check(t);
  await initEngine('cpu');
});

test.serial('parameters are validated with a message naming the parameter and its range', async (t) => {
  await initEngine('cpu');
  const make = async (name: string, params: RawParams, numClasses = 10) =>
    createLossHead((await findLossPlugin(name)).plugin, params, { numClasses, embeddingDim: 4, seed: 1 }).head.dispose();
  const err = async (p: Promise<void>, pattern: RegExp) => {
    const e = await t.throwsAsync(p, { instanceOf: UserError });
    t.regex(e!.message, pattern);
  };
  await err(make('adacos-fixed', {}, 2), /at least 3 classes/);
  await err(make('adacos-dynamic', {}, 2), /at least 3 classes/);
  await err(make('arcface', { m: 3 }), /'m' = 3 is out of range; allowed \[0, 1\.57/);
  await err(make('arcface', { q: 1 }), /unknown parameter 'q'; allowed: s, m/);
  await err(make('cosface', { s: 'abc' }), /'s' must be a finite number/);
  await err(make('sphereface', { m: 2.5 }), /'m' must be a whole number/);
  await err(make('l2-softmax', {}, 2), /alpha/);
  await t.notThrowsAsync(make('l2-softmax', { alpha: 10 }, 2));
});
