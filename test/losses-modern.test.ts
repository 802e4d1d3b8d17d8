import * as tf from '@tensorflow/tfjs';
import test from 'ava';
import seedrandom from 'seedrandom';
import { availableBackends, initEngine } from '../harness/engine/backend-choice.js';
import { UserError } from '../harness/core/errors.js';
import { checkLossPlugin } from '../harness/plugins/losses/conformance.js';
import { cosineHead, defineLoss, targetCos } from '../harness/plugins/losses/kit.js';
import { probeLoss, validateProbeInput, type ProbeInput, type ProbeOutput } from '../harness/plugins/losses/probe.js';
import { findLossPlugin } from '../harness/plugins/losses/registry.js';
import type { RawParams } from '../harness/plugins/params.js';
import { finiteDifferenceGradientsOf, type Matrix, type ReferenceInput } from './helpers/loss-reference.js';
import {
  adaFace,
  adaFaceNextStats,
  adaFaceScaler,
  combinedMargin,
  curricularFace,
  curricularNextT,
  elasticFace,
  MAGFACE_DEFAULTS,
  magFace,
  subCenterArcFace,
  type Reference,
} from './helpers/loss-reference-modern.js';

const backends = await availableBackends();
const NEW = ['combined-margin', 'curricularface', 'subcenter-arcface', 'magface', 'adaface', 'elasticface-arc', 'elasticface-cos'];

type Batch = ReferenceInput & Partial<Pick<ProbeInput, 'numClasses' | 'state'>>;

/** N×D Gaussian embeddings (row norms spread log-uniformly over `norms` when given), D×columns weights, labels < classes. */
function batch(seed: string, { n = 6, d = 5, classes = 7, columns = classes, norms }: { n?: number; d?: number; classes?: number; columns?: number; norms?: [number, number] } = {}): Batch {
  const rng = seedrandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const x = Array.from({ length: n }, () => {
    const v = Array.from({ length: d }, gauss);
    if (!norms) return v;
    const length = norms[0] * Math.pow(norms[1] / norms[0], rng());
    return v.map((e) => (e * length) / Math.hypot(...v));
  });
  return {
    x,
    W: Array.from({ length: d }, () => Array.from({ length: columns }, gauss)),
    labels: Array.from({ length: n }, () => Math.floor(rng() * classes)),
    ...(columns !== classes ? { numClasses: classes } : {}),
  };
}

async function probe(name: string, b: Batch, params: RawParams = {}, extra: Partial<ProbeInput> = {}): Promise<ProbeOutput> {
  const { plugin } = await findLossPlugin(name);
  return probeLoss(plugin, params, { embeddings: b.x, weights: b.W, labels: b.labels, numClasses: b.numClasses, state: b.state, ...extra });
}

/** max |a − b| over max(floor, max |b|): logits against a floor of 1, gradients (far below 1) against their own size. */
function relDiff(a: Matrix, b: Matrix, floor: number): number {
  const [fa, fb] = [a.flat(), b.flat()];
  let diff = 0;
  let scale = floor;
  fb.forEach((v, i) => ((diff = Math.max(diff, Math.abs(fa[i]! - v))), (scale = Math.max(scale, Math.abs(v)))));
  return diff / scale;
}
const maxRelDiff = (a: Matrix, b: Matrix) => relDiff(a, b, 1);
const gradRelDiff = (a: Matrix, b: Matrix) => relDiff(a, b, 0);

const rows = (m: Matrix, k: number) => m.map((r) => r.slice(0, k));
const norm = (v: number[]) => Math.hypot(...v);

interface Case {
  loss: string;
  params?: RawParams;
  batch: Batch;
  /** The reference on an input, given what the probe reported (ElasticFace's draws); its detached values fixed from `batch`. */
  reference: (inp: ReferenceInput, out: ProbeOutput) => Reference;
  /** Checks that the batch reaches the branches the case is meant to cover. */
  covers?: (out: ProbeOutput) => string | null;
}

const curricular = batch('curricular');
const curricularState = { ...batch('curricular-state'), state: { t: 0.4 } };
const magNorms = batch('magface', { n: 8, norms: [4, 160] });
const adaNorms = { ...batch('adaface', { n: 8, norms: [2, 60] }), state: { batchMean: 20, batchStd: 4 } };
const adaDefault = batch('adaface-default', { n: 8, norms: [1, 40] });
const adaStats = (b: Batch) =>
  adaFaceNextStats(b, b.state ? { mean: b.state.batchMean as number, std: b.state.batchStd as number } : { mean: 20, std: 100 });
const cosY = (b: Batch) => b.x.map((xi, i) => {
  const w = b.W.map((r) => r[b.labels[i]!]!);
  return xi.reduce((a, v, k) => a + v * w[k]!, 0) / (norm(xi) * norm(w));
});

const cases: Case[] = [
  { loss: 'combined-margin', batch: batch('combined'), reference: (inp) => combinedMargin(inp, 64, 1, 0.3, 0.2) },
  {
    loss: 'combined-margin',
    params: { s: 30, m1: 1.2, m2: 0.1, m3: 0.05 },
    batch: batch('combined-m1'),
    reference: (inp) => combinedMargin(inp, 30, 1.2, 0.1, 0.05),
  },
  ...[curricular, curricularState].map(
    (b): Case => ({
      loss: 'curricularface',
      batch: b,
      reference: (inp) => curricularFace(inp, curricularNextT(b, (b.state?.t as number) ?? 0)),
      covers: () => {
        const { hard, easy } = curricularFace(b, 0);
        return hard > 0 && easy > 0 ? null : `hard ${hard}, easy ${easy} non-targets`;
      },
    }),
  ),
  { loss: 'subcenter-arcface', batch: batch('subcenter', { columns: 21 }), reference: (inp) => subCenterArcFace(inp, 3) },
  {
    loss: 'subcenter-arcface',
    params: { k: 2, m: 0.3, s: 32 },
    batch: batch('subcenter-2', { columns: 14 }),
    reference: (inp) => subCenterArcFace(inp, 2, 32, 0.3),
  },
  ...[true, false].map(
    (easyMargin): Case => ({
      loss: 'magface',
      params: { easyMargin },
      batch: magNorms,
      reference: (inp) => magFace(inp, { ...MAGFACE_DEFAULTS, easyMargin }),
      covers: () => {
        const a = magNorms.x.map(norm);
        const c = cosY(magNorms);
        const ok = a.some((v) => v < 10) && a.some((v) => v > 110) && a.some((v) => v > 10 && v < 110) && c.some((v) => v <= 0) && c.some((v) => v > 0);
        return ok ? null : 'norms on both sides of the clip and target cosines of both signs needed';
      },
    }),
  ),
  ...[adaDefault, adaNorms].map(
    (b): Case => ({
      loss: 'adaface',
      batch: b,
      reference: (inp) => adaFace(inp, adaFaceScaler(b, adaStats(b))),
    }),
  ),
  ...(['arc', 'cos'] as const).map(
    (variant): Case => ({
      loss: `elasticface-${variant}`,
      batch: batch(`elastic-${variant}`),
      reference: (inp, out) => elasticFace(inp, variant, out.draws!),
      covers: (out) => (out.draws?.length === 6 ? null : `draws ${JSON.stringify(out.draws)}`),
    }),
  ),
];

test.serial('logits, loss and gradients match the float64 references and finite differences on every backend', async (t) => {
  for (const c of cases) {
    const fd = new Map<string, { gx: Matrix; gW: Matrix }>();
    for (const backend of backends) {
      await initEngine(backend as never);
      const out = await probe(c.loss, c.batch, c.params ?? {}, { step: 4 });
      const label = `${backend} ${c.loss} ${JSON.stringify(c.params ?? {})} ${JSON.stringify(c.batch.state ?? {})}`;
      const problem = c.covers?.(out);
      t.is(problem ?? null, null, `${label}: the batch misses a branch: ${problem}`);
      const ref = c.reference(c.batch, out);
      t.true(maxRelDiff(out.logits, ref.logits) < 2e-5, `${label}: logits differ by ${maxRelDiff(out.logits, ref.logits)}`);
      t.true(Math.abs(out.loss - ref.loss) <= 1e-4 * Math.max(1, ref.loss), `${label}: loss ${out.loss} vs ${ref.loss}`);
      // The draws are the same on every backend (they come from the seed and step), so one set of differences serves all.
      const key = JSON.stringify(out.draws ?? []);
      if (!fd.has(key)) fd.set(key, finiteDifferenceGradientsOf((inp) => c.reference(inp, out).loss, c.batch));
      const { gx, gW } = fd.get(key)!;
      t.true(gradRelDiff(out.gradEmbeddings, gx) < 1e-3, `${label}: dL/dx off by ${gradRelDiff(out.gradEmbeddings, gx)}`);
      t.true(gradRelDiff(out.gradWeights, gW) < 1e-3, `${label}: dL/dW off by ${gradRelDiff(out.gradWeights, gW)}`);
    }
    t.is(fd.size, 1, `${c.loss}: the same draws on every backend`);
  }
});

test.serial('CurricularFace: t after a step, a hard negative by hand, evaluation leaves t alone', async (t) => {
  await initEngine('cpu');
  for (const b of [curricular, curricularState]) {
    const out = await probe('curricularface', b);
    const expected = curricularNextT(b, (b.state?.t as number) ?? 0);
    t.true(Math.abs((out.state.t as number) - expected) < 1e-7, `t ${out.state.t} vs ${expected}`);
  }
  // One sample at 60° from its class e0, 30° from e1, 120° from −e0; t was 0.2.
  // t ← 0.01·cos 60° + 0.99·0.2 = 0.203. cos(60° + 0.5 rad) = 0.0236, so e1 (cos 30° = 0.8660) is hard:
  // 64·0.8660·(0.203 + 0.8660); −e0 (cos 120° = −0.5) is not: 64·(−0.5). Target 64·cos(60° + 0.5 rad).
  const deg = Math.PI / 180;
  const planar = { x: [[Math.cos(60 * deg), Math.sin(60 * deg)]], W: [[1, 0, -1], [0, 1, 0]], labels: [0] };
  const out = await probe('curricularface', planar, {}, { state: { t: 0.2 } });
  t.true(Math.abs((out.state.t as number) - 0.203) < 1e-9);
  const [target, hard, easy] = out.logits[0]!;
  t.true(Math.abs(target! - 64 * Math.cos(60 * deg + 0.5)) < 1e-3, `target ${target}`);
  t.true(Math.abs(hard! - 64 * Math.cos(30 * deg) * (0.203 + Math.cos(30 * deg))) < 1e-3, `hard ${hard}`);
  t.true(Math.abs(easy! + 32) < 1e-3, `easy ${easy}`);
  const evaluation = await probe('curricularface', planar, {}, { state: { t: 0.2 }, training: false });
  t.is(evaluation.state.t, 0.2);
  t.true(Math.abs(evaluation.logits[0]![1]! - 64 * Math.cos(30 * deg) * (0.2 + Math.cos(30 * deg))) < 1e-3);
});

test.serial('AdaFace: running norm statistics after a step; margins at ẑ = ±1 by hand; evaluation leaves them alone', async (t) => {
  await initEngine('cpu');
  for (const b of [adaDefault, adaNorms]) {
    const out = await probe('adaface', b);
    const expected = adaStats(b);
    t.true(Math.abs((out.state.batchMean as number) - expected.mean) < 1e-5 * expected.mean, `mean ${out.state.batchMean} vs ${expected.mean}`);
    t.true(Math.abs((out.state.batchStd as number) - expected.std) < 1e-5 * expected.std, `std ${out.state.batchStd} vs ${expected.std}`);
  }
  t.true(adaFaceScaler(adaNorms, adaStats(adaNorms)).some((z) => Math.abs(z) === 1), 'the stated batch reaches the clip of ẑ');
  // μ = 10, σ = 1, not updated in evaluation. ‖x‖ = 2: ẑ = clip(0.333·(2 − 10)/1.001) = −1, so the target is
  // 64·(cos(60° + 0.4) − (0.4 − 0.4)); ‖x‖ = 20: ẑ = +1, 64·(cos(60° − 0.4) − 0.8). Both at 60° from class e0.
  const deg = Math.PI / 180;
  const at60 = (r: number) => [r * Math.cos(60 * deg), r * Math.sin(60 * deg)];
  const planar = { x: [at60(2), at60(20)], W: [[1, 0], [0, 1]], labels: [0, 0] };
  const out = await probe('adaface', planar, {}, { state: { batchMean: 10, batchStd: 1 }, training: false });
  t.deepEqual(out.state, { batchMean: 10, batchStd: 1 });
  t.true(Math.abs(out.logits[0]![0]! - 64 * Math.cos(60 * deg + 0.4)) < 1e-3, `ẑ = −1: ${out.logits[0]![0]}`);
  t.true(Math.abs(out.logits[1]![0]! - 64 * (Math.cos(60 * deg - 0.4) - 0.8)) < 1e-3, `ẑ = +1: ${out.logits[1]![0]}`);
  t.true(Math.abs(out.logits[0]![1]! - 64 * Math.cos(30 * deg)) < 1e-3, 'non-target s·cos θ_j');
});

test.serial("MagFace's regulariser: its value and gradient λ_g/N·(1/u_a² − 1/a²)·x/‖x‖ inside the clip, zero outside", async (t) => {
  await initEngine('cpu');
  // Norms 50 (inside [10, 110]), 5 (clipped to 10) and 200 (clipped to 110): the regulariser's share of the loss
  // and of dL/dx is the difference between λ_g = 35 and λ_g = 0 (the cross-entropy part is the same in both).
  const b = { x: [[30, 40], [3, -4], [0, 200]], W: [[1, 0, 0.6], [0, 1, 0.8]], labels: [0, 1, 2] };
  const [on, off] = [await probe('magface', b), await probe('magface', b, { lambdaG: 0 })];
  const g = (50 / 110 ** 2 + 1 / 50 + 10 / 110 ** 2 + 1 / 10 + 110 / 110 ** 2 + 1 / 110) / 3;
  t.true(Math.abs(on.loss - off.loss - 35 * g) < 1e-4 * 35 * g, `${on.loss - off.loss} vs ${35 * g}`);
  t.true(Math.abs(on.diagnostics.extraLoss! - 35 * g) < 1e-4 * 35 * g, 'reported as the extraLoss diagnostic');
  const k = (35 / 3) * (1 / 110 ** 2 - 1 / 50 ** 2); // d/da of λ/N·(a/u² + 1/a) at a = 50, times da/dx = x/‖x‖
  const expected = [[k * 0.6, k * 0.8], [0, 0], [0, 0]];
  const diff = on.gradEmbeddings.map((r, i) => r.map((v, j) => v - off.gradEmbeddings[i]![j]!));
  t.true(gradRelDiff(diff, expected) < 1e-4, `${JSON.stringify(diff)} vs ${JSON.stringify(expected)}`);
  t.deepEqual(rows(on.gradWeights, 3), rows(off.gradWeights, 3), 'the regulariser does not touch W');
});

test.serial('ElasticFace: margins drawn from N(m, σ²) per sample, fixed by seed and step, the mean margin in evaluation', async (t) => {
  await initEngine('cpu');
  const n = 2000;
  // D = 8 keeps θ away from 0 and π, where float32's cos θ leaves θ itself uncertain.
  const big = batch('elastic-big', { n, d: 8, classes: 2 });
  const at = async (step: number, training = true) => probe('elasticface-arc', big, {}, { step, training });
  const draws = (await at(7)).draws!;
  t.is(draws.length, n);
  const mean = draws.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  // Sampling error of the mean is σ/√n = 0.0011; of the std about σ/√(2n) = 0.0008.
  t.true(Math.abs(mean - 0.5) < 0.004, `mean ${mean}`);
  t.true(Math.abs(std - 0.05) < 0.003, `std ${std}`);
  t.deepEqual((await at(7)).draws, draws, 'the same step draws the same margins');
  t.notDeepEqual((await at(8)).draws, draws, 'the next step draws new ones');
  const evaluation = await at(7, false);
  t.is(evaluation.draws, undefined);
  t.true(maxRelDiff(evaluation.logits, elasticFace(big, 'arc', Array(n).fill(0.5)).logits) < 2e-5, 'evaluation: s·cos(θ_y + m)');
});

test.serial('flb plugins check passes for each new loss; a lost EMA state or unseeded draws fail the resume check', async (t) => {
  await initEngine('cpu');
  for (const name of NEW) {
    const failed = checkLossPlugin((await findLossPlugin(name)).plugin).filter((r) => !r.ok);
    t.deepEqual(failed, [], name);
  }
  const resumeCheck = /resume: a head restored from state\(\) trains on identically/;
  // A CurricularFace-like EMA whose state() forgets it, and margins drawn from an unseeded generator.
  const forgetful = defineLoss({
    name: 'forgetful',
    title: 'Forgetful',
    params: {},
    createHead(ctx) {
      let t = 0;
      return cosineHead(ctx, {
        scale: 10,
        update: (b) => void (t = 0.5 * t + 0.5 * tf.mean(targetCos(b)).dataSync()[0]!),
        targetLogit: (cos) => tf.sub(cos, t),
      });
    },
  });
  const unseeded = defineLoss({
    name: 'unseeded',
    title: 'Unseeded',
    params: {},
    createHead: (ctx) => cosineHead(ctx, { scale: 10, targetLogit: (cos) => tf.sub(cos, tf.randomNormal(cos.shape, 0.3, 0.1)) }),
  });
  for (const plugin of [forgetful, unseeded]) {
    const results = checkLossPlugin(plugin);
    const resume = results.find((r) => resumeCheck.test(r.name));
    t.false(resume?.ok ?? true, `${plugin.name}: ${JSON.stringify(resume)}`);
  }
});

test('probe input: numClasses must divide the weight columns; the weights must fit the head', async (t) => {
  const base = { embeddings: [[1, 0]], labels: [0], weights: [[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0]] };
  t.throws(() => validateProbeInput({ ...base, numClasses: 4 }, 'b.json'), { instanceOf: UserError, message: /"numClasses" must be a whole number that divides the 6 columns/ });
  t.throws(() => validateProbeInput({ ...base, numClasses: 2, labels: [2] }, 'b.json'), { message: /"labels" must be 1 whole numbers in \[0, 1\]/ });
  await initEngine('cpu');
  const plugin = (await findLossPlugin('subcenter-arcface')).plugin;
  t.throws(() => probeLoss(plugin, {}, validateProbeInput(base, 'b.json')), { instanceOf: UserError, message: /"weights" is 2×6, loss 'subcenter-arcface' with 6 classes needs 2×18 \(set "numClasses"/ });
  t.notThrows(() => probeLoss(plugin, {}, validateProbeInput({ ...base, numClasses: 2 }, 'b.json')));
});
