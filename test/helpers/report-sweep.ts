import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small fake sweep folder as the sweep runner leaves it (leaderboard.json plus run directories with config,
 * status, metrics, eval results and angles), so report tests do not depend on training anything.
 * Every number derives from a per-run "quality" in [0, 1], so curves look like real ones and losses differ.
 */
export interface FixtureVariant {
  variant: string;
  loss: string;
  title: string;
  params?: Record<string, number | boolean>;
  /** One quality per seed; null marks a seed that diverged. */
  quality: Array<number | null>;
  /** Logged scale s per step (fixed-scale losses: a constant). */
  scale: (step: number) => number;
  /** Its finished runs did not converge (status.json's verdict). */
  unconverged?: boolean;
}

export interface FixtureOptions {
  sweep?: string;
  /** Metric keys left out of leaderboard.json (the report must then summarise them from the runs). */
  omitFromLeaderboard?: string[];
  /** Leave angles.json out of every run. */
  noAngles?: boolean;
  sizes?: number[];
}

export const FIXTURE_SIZES = [10, 100, 1000, 10000];
const STEPS = 200;
const LOG_EVERY = 20;
const FARS = ['1e-6', '1e-5', '1e-4', '1e-3', '1e-2', '1e-1'];

export function defaultVariants(): FixtureVariant[] {
  return [
    { variant: 'Softmax', loss: 'softmax', title: 'Softmax', quality: [0.3, 0.34], scale: (s) => 8 + s / 20 },
    { variant: 'CosFace', loss: 'cosface', title: 'CosFace', quality: [0.7, 0.74], scale: () => 64 },
    { variant: 'ArcFace (m=0.5)', loss: 'arcface', title: 'ArcFace', quality: [0.8, 0.76], scale: () => 64 },
    { variant: 'AdaCos (dynamic)', loss: 'adacos-dynamic', title: 'AdaCos (dynamic)', quality: [0.6, null], scale: (s) => 12 - 4 * (s / STEPS) },
  ];
}

/** Deterministic noise in [-1, 1) from integers, so fixtures are the same on every machine. */
function noise(...k: number[]): number {
  let h = 2166136261;
  for (const v of k) h = Math.imul(h ^ (v * 2654435761), 16777619) >>> 0;
  return (h % 20000) / 10000 - 1;
}

export function writeFixtureSweep(root: string, variants: FixtureVariant[] = defaultVariants(), opts: FixtureOptions = {}): string {
  const sweepName = opts.sweep ?? 'fixture';
  const dir = join(root, sweepName);
  const sizes = opts.sizes ?? FIXTURE_SIZES;
  const largest = Math.max(...sizes);
  const metricKeys = [
    'lfw.accuracy',
    ...sizes.map((s) => `megaface.identification.${s}`),
    'megaface.verification.tarAtFar1e-6',
    ...FARS.map((f) => `ijbc.tarAtFar.${f}`),
  ].filter((k) => !(opts.omitFromLeaderboard ?? []).includes(k));
  const rows = variants.map((v, vi) => {
    const runs: string[] = [];
    const values: Record<string, number[]> = {};
    const failures: object[] = [];
    const unconverged: string[] = [];
    v.quality.forEach((q, seed) => {
      const name = `${v.loss}-${vi}-seed${seed + 1}`;
      runs.push(name);
      const runDir = join(dir, name);
      mkdirSync(join(runDir, 'eval'), { recursive: true });
      writeJson(join(runDir, 'config.json'), {
        key: `k${vi}${seed}`,
        definition: {
          loss: { name: v.loss, params: v.params ?? {} },
          backbone: { name: 'mlp', params: {} },
          dataset: 'synth-tiny',
          train: { steps: STEPS, batchSize: 32, lr: 0.1, seed: seed + 1, logEvery: LOG_EVERY },
        },
        resolved: { lossParams: v.params ?? {}, backboneParams: {} },
        dataset: { name: 'synth-tiny', numClasses: 50, size: 2000, shape: [32, 32, 1] },
        command: ['flb', 'train', '--loss', v.loss, '--seed', String(seed + 1)],
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      if (q === null) {
        writeJson(join(runDir, 'status.json'), { state: 'diverged', step: 120, reason: 'loss became NaN at step 121', updatedAt: '2026-01-01T00:00:00.000Z' });
        failures.push({ run: name, state: 'diverged', step: 120, reason: 'loss became NaN at step 121' });
        writeMetrics(runDir, v, 0.5, vi, seed, 120);
        return;
      }
      const convergence = { converged: !v.unconverged, criterion: 'fixture', trainAccuracy: v.unconverged ? 0.05 : 0.9, trainAccuracyMargin: null, thetaMedDeg: 50, lossFirst: 4, lossLast: 1, lnClasses: Math.log(50) };
      writeJson(join(runDir, 'status.json'), { state: 'done', step: STEPS, convergence, updatedAt: '2026-01-01T00:00:00.000Z' });
      if (v.unconverged) unconverged.push(name);
      writeMetrics(runDir, v, q, vi, seed, STEPS);
      const lfw = 0.9 + 0.09 * q;
      const identification = Object.fromEntries(sizes.map((s, i) => [String(s), Math.max(0, q - 0.08 * i * (1 - q))]));
      const top = identification[String(largest)];
      const cmc = Object.fromEntries(sizes.map((s) => [String(s), Array.from({ length: 10 }, (_, r) => identification[String(s)] + (1 - identification[String(s)]) * (1 - Math.exp(-r / 3)))]));
      const ijbcTar = Object.fromEntries(FARS.map((f) => [f, Math.min(1, q * (0.5 + 0.08 * Math.log10(Number(f)) + 0.5))]));
      const ijbcFpr = Array.from({ length: 61 }, (_, i) => 10 ** (-6 + i / 10));
      writeJson(join(runDir, 'eval', 'lfw.json'), {
        protocol: 'lfw',
        pairs: 6000,
        accuracy: lfw,
        std: 0.004,
        thresholds: Array(10).fill(1.4),
        auc: 0.99,
        eer: 1 - lfw,
        valAtFar: { '1e-3': { val: lfw - 0.05, valStd: 0.01, farMean: 0.001 } },
        resolvable: { '1e-3': true },
        roc: { fpr: [0, ...Array.from({ length: 40 }, (_, i) => 10 ** (-4 + i / 10))], tpr: [0, ...Array.from({ length: 40 }, (_, i) => Math.min(1, (10 ** (-4 + i / 10)) ** (0.25 * (1 - q))))] },
      });
      writeJson(join(runDir, 'eval', 'megaface.json'), {
        protocol: 'megaface',
        identification,
        cmc,
        verification: { 'tarAtFar1e-6': top * 0.9, 'tarAtFar1e-5': top * 0.95, 'tarAtFar1e-4': top },
        resolvable: { '1e-6': true, '1e-5': true, '1e-4': true },
        counts: { probes: 300, identities: 20, trials: 4000, distractors: Object.fromEntries(sizes.map((s) => [String(s), s])), impostorPairs: 300 * largest },
      });
      writeJson(join(runDir, 'eval', 'ijbc.json'), {
        protocol: 'ijbc',
        tarAtFar: ijbcTar,
        // 2,700 impostor pairs: one pair is FAR 3.7e-4, so 1e-6 … 1e-4 cannot be measured.
        resolvable: { '1e-6': false, '1e-5': false, '1e-4': false, '1e-3': true, '1e-2': true, '1e-1': true },
        auc: 0.98,
        roc: { fpr: ijbcFpr, tpr: ijbcFpr.map((f) => Math.min(1, q * (1 + 0.08 * Math.log10(f)) + (1 - q) * f)) },
        counts: { images: 500, templates: 100, pairs: 3000, genuine: 300, impostor: 2700 },
      });
      if (!opts.noAngles) {
        const center = 80 - 45 * q;
        const angles = (c: number) => Array.from({ length: 400 }, (_, i) => c + 12 * (noise(vi, seed, i) + noise(i, seed, vi, 7)));
        // Non-target angles: a peak at 90° (bins 85–94), as training leaves them.
        const nonTargetHistogram = { binDeg: 1, counts: Array.from({ length: 180 }, (_, b) => (b >= 85 && b < 95 ? 100 - 10 * Math.abs(b - 89.5) : 0)) };
        const snapshots = [
          { step: STEPS / 2, images: 400, thetaTargetDeg: angles(center + 15) },
          { step: STEPS, images: 400, thetaTargetDeg: angles(center), nonTargetHistogram },
        ];
        writeJson(join(runDir, 'angles.json'), { snapshots, step: STEPS, images: 400, thetaTargetDeg: angles(center) });
      }
      const put = (k: string, x: number) => (values[k] ??= []).push(x);
      put('lfw.accuracy', lfw);
      for (const s of sizes) put(`megaface.identification.${s}`, identification[String(s)]);
      put('megaface.verification.tarAtFar1e-6', top * 0.9);
      for (const f of FARS) put(`ijbc.tarAtFar.${f}`, ijbcTar[f]);
    });
    const metrics = Object.fromEntries(metricKeys.filter((k) => values[k]).map((k) => [k, summary(values[k])]));
    const done = v.quality.filter((q) => q !== null).length;
    return {
      variant: v.variant,
      loss: v.loss,
      title: v.title,
      params: v.params ?? {},
      seeds: { planned: v.quality.length, done, diverged: v.quality.length - done, failed: 0 },
      runs,
      metrics,
      failures,
      convergence: { checked: done, converged: done - unconverged.length, unconverged },
    };
  });
  writeJson(join(dir, 'leaderboard.json'), {
    sweep: sweepName,
    config: { name: sweepName, losses: variants.map((v) => v.loss), seeds: [1, 2] },
    createdAt: '2026-01-01T00:00:00.000Z',
    metrics: metricKeys.map((key) => ({ key, title: titleOf(key), better: 'higher', unit: 'percent' })),
    rows,
  });
  return dir;
}

function writeMetrics(runDir: string, v: FixtureVariant, q: number, vi: number, seed: number, lastStep: number): void {
  const lines: string[] = [];
  for (let step = LOG_EVERY; step <= lastStep; step += LOG_EVERY) {
    const t = step / STEPS;
    lines.push(
      JSON.stringify({
        step,
        loss: 4 * Math.exp(-2.5 * t * (0.5 + q)) + 0.05 * noise(vi, seed, step),
        acc: Math.min(1, (0.3 + 0.7 * q) * (1 - Math.exp(-4 * t))),
        accMargin: Math.min(1, 0.5 * (0.3 + 0.7 * q) * (1 - Math.exp(-4 * t))),
        lr: 0.1,
        imagesPerSec: 500,
        scale: v.scale(step),
        thetaMedDeg: 88 - 45 * q * t + noise(seed, step, vi),
        thetaMeanDeg: 88 - 40 * q * t,
        thetaNonTargetMeanDeg: 90,
      }),
    );
  }
  writeFileSync(join(runDir, 'metrics.jsonl'), lines.join('\n') + '\n');
}

/** Column titles as the sweep runner would give them. */
function titleOf(key: string): string {
  const [protocol, ...rest] = key.split('.');
  const last = rest.join('.');
  if (protocol === 'lfw') return 'LFW';
  if (protocol === 'ijbc') return `IJB-C TAR@${rest[1]}`;
  if (last.startsWith('identification.')) return `MF rank-1 @${Number(rest[1]).toLocaleString('en')}`;
  return `MF TAR@${last.replace('verification.tarAtFar', '')}`;
}

/** Mean and population std, as the leaderboard defines them. */
export function summary(values: number[]): { mean: number; std: number; n: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length), n: values.length };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2));
}
