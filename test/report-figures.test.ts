import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from '../reports/figures/figure.js';
import { reportFigures } from '../reports/figures/report-figures.js';
import { angleDensity, silvermanBandwidth } from '../reports/figures/target-angle-distribution.js';
import { decadesSpanning } from '../reports/figures/curve-chart.js';
import { ADACOS_SCALE, targetProbability } from '../reports/figures/target-probability.js';
import { tprAt } from '../reports/figures/verification-roc.js';
import { renderSvg, svgToPng } from '../reports/render-figure.js';
import { buildResultsTable } from '../reports/results-table.js';
import { loadSweep } from '../reports/sweep-data.js';
import { defaultVariants, writeFixtureSweep } from './helpers/report-sweep.js';

function sweep(t: { teardown(fn: () => void): void }, opts: Parameters<typeof writeFixtureSweep>[2] = {}) {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-figures-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return writeFixtureSweep(root, defaultVariants(), opts);
}

interface Layered {
  data: { values: Array<Record<string, unknown>> };
  encoding: Record<string, { title?: string; scale?: { type?: string; domain?: unknown; range?: unknown }; field?: string }>;
  layer?: Array<{ encoding: Record<string, { scale?: { domain?: unknown; range?: unknown } }> }>;
}
const spec = (f: Figure) => f.spec as unknown as Layered;
const byName = (figures: Figure[], name: string) => figures.find((f) => f.name === name)!;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('every figure the issue lists is drawn from a complete sweep', (t) => {
  const outcomes = reportFigures(loadSweep(sweep(t)));
  t.deepEqual(
    outcomes.map((o) => ('figure' in o ? o.figure.name : `skipped ${o.skipped.name}`)),
    [
      'lfw-roc', 'megaface-identification', 'megaface-cmc', 'ijbc-roc', 'training-loss', 'training-accuracy', 'training-accuracy-margin', 'scale',
      'theta-median', 'theta-distribution', 'theta-snapshots', 'non-target-angles', 'target-probability-scale', 'target-probability-margin',
    ],
  );
});

test('each loss has the same colour and dash in every figure, in leaderboard order', (t) => {
  const figures = reportFigures(loadSweep(sweep(t))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const variants = defaultVariants().map((v) => v.variant);
  // Every figure whose colour means the loss (the probability figures colour scales and margins, the snapshot
  // figure training points).
  const perLoss = figures.filter((f) => spec(f).encoding?.color?.field === 'variant');
  t.true(perLoss.length >= 10);
  for (const f of perLoss) {
    const color = spec(f).encoding.color;
    t.deepEqual(color.scale!.domain, variants, f.name);
    t.deepEqual(color.scale!.range, ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'], f.name);
    const dash = spec(f).encoding.strokeDash ?? (spec(f).layer ?? []).map((l) => l.encoding.strokeDash).find(Boolean);
    t.deepEqual(dash!.scale!.domain, variants, f.name);
  }
});

test('figures carry the run files\' numbers: ROC mean over seeds, MegaFace sizes, training steps', (t) => {
  const dir = sweep(t);
  const figures = reportFigures(loadSweep(dir)).flatMap((o) => ('figure' in o ? [o.figure] : []));
  // The LFW ROC of a variant is the mean over its seeds of each run's TPR at every grid FAR.
  const rocs = ['cosface-1-seed1', 'cosface-1-seed2'].map((r) => readJson(join(dir, r, 'eval', 'lfw.json')).roc as { fpr: number[]; tpr: number[] });
  const point = spec(byName(figures, 'lfw-roc')).data.values.find((v) => v.variant === 'CosFace' && (v.fpr as number) > 0.01)!;
  const expected = (100 * (tprAt(rocs[0]!, point.fpr as number) + tprAt(rocs[1]!, point.fpr as number))) / 2;
  t.true(Math.abs((point.tpr as number) - expected) < 1e-9);
  t.is(point.seeds, 2);
  // The diverged AdaCos seed has no eval files, so only its finished seed counts.
  t.deepEqual([...new Set(spec(byName(figures, 'ijbc-roc')).data.values.filter((v) => v.variant === 'AdaCos (dynamic)').map((v) => v.seeds))], [1]);
  const mf = spec(byName(figures, 'megaface-identification')).data.values.filter((v) => v.run === 'arcface-2-seed1');
  t.deepEqual(mf.map((v) => v.distractors), [10, 100, 1000, 10000]);
});

test('a ROC is read linearly between its points; on a vertical step at the FAR asked, at its top', (t) => {
  const roc = { fpr: [0, 0.5, 0.5, 1], tpr: [0, 0.4, 0.8, 1] };
  t.is(tprAt(roc, 0.25), 0.2); // halfway from (0, 0) to (0.5, 0.4)
  t.is(tprAt(roc, 0.5), 0.8); // the step at 0.5 reaches 0.8
  t.is(tprAt(roc, 0.75), 0.9); // halfway from (0.5, 0.8) to (1, 1)
  t.is(tprAt(roc, 0), 0);
});

test('target probability P(θ) by hand: the scale and the margins at C classes', (t) => {
  // C = 3, s = ln 2, θ = 0: P = e^{ln 2}/(e^{ln 2} + 2) = 2/4.
  t.true(Math.abs(targetProbability(0, Math.log(2), 3) - 0.5) < 1e-12);
  // At θ = 90° cos θ = 0: P = 1/(1 + C − 1) = 1/C whatever s.
  t.true(Math.abs(targetProbability(Math.PI / 2, 64, 500) - 1 / 500) < 1e-12);
  // CosFace f = cos θ − m at θ = 0, m = 0.5, s = 2 ln 3, C = 2: e^{ln 3}/(e^{ln 3} + 1) = 3/4.
  t.true(Math.abs(targetProbability(0, 2 * Math.log(3), 2, (th) => Math.cos(th) - 0.5) - 0.75) < 1e-12);
  // Fixed AdaCos for C = 500: √2·ln 499 = 1.41421 · 6.21261 = 8.7860.
  t.true(Math.abs(ADACOS_SCALE(500) - 8.786) < 1e-3);
  // No overflow at s = 64 near θ = 0.
  t.true(targetProbability(0, 64, 500) > 0.999999 && targetProbability(0, 64, 500) <= 1);
});

test('the probability figures mark fixed AdaCos\'s scale and use the study\'s margins; snapshots are per training point', (t) => {
  const figures = reportFigures(loadSweep(sweep(t))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const curves = (name: string) => [...new Set(spec(byName(figures, name)).data.values.map((v) => v.curve))];
  // The fixture has C = 50: √2·ln 49 = 5.50; its CosFace and ArcFace run at their defaults (no s given).
  t.true(curves('target-probability-scale').includes('s = 5.5 (fixed AdaCos, √2·ln(C−1))'), curves('target-probability-scale').join(' | '));
  t.deepEqual(curves('target-probability-margin'), ['no margin', 'CosFace, m = 0.35', 'ArcFace, m = 0.5']);
  const points = [...new Set(spec(byName(figures, 'theta-snapshots')).data.values.map((v) => v.point))];
  t.deepEqual(points, ['50% (step 100)', '100% (step 200)']);
  const nonTarget = spec(byName(figures, 'non-target-angles')).data.values.filter((v) => v.variant === 'CosFace');
  const mass = nonTarget.reduce((a, v) => a + (v.density as number), 0);
  t.true(Math.abs(mass - 1) < 1e-12);
  t.true(nonTarget.filter((v) => (v.density as number) > 0).every((v) => (v.thetaDeg as number) > 84 && (v.thetaDeg as number) < 95));
});

test('training curves average finished runs; a variant with none shows its diverged run up to where it stopped', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'flb-report-figures-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const variants = defaultVariants();
  variants.push({ variant: 'SphereFace', loss: 'sphereface', title: 'SphereFace', quality: [null], scale: () => 1 });
  const figures = reportFigures(loadSweep(writeFixtureSweep(root, variants))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const runsIn = (name: string, variant: string) => [...new Set(spec(byName(figures, name)).data.values.filter((v) => v.variant === variant).map((v) => v.run))];
  t.deepEqual(runsIn('training-loss', 'AdaCos (dynamic)'), ['adacos-dynamic-3-seed1']);
  t.deepEqual(runsIn('training-loss', 'CosFace'), ['cosface-1-seed1', 'cosface-1-seed2']);
  const sphere = spec(byName(figures, 'scale')).data.values.filter((v) => v.variant === 'SphereFace');
  t.deepEqual(sphere.map((v) => v.step), [20, 40, 60, 80, 100, 120]);
});

test('axes: log FAR and log distractors with decade ticks, titles with units', (t) => {
  const figures = reportFigures(loadSweep(sweep(t))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const x = (name: string) => spec(byName(figures, name)).encoding.x;
  const y = (name: string) => spec(byName(figures, name)).encoding.y;
  t.is(x('ijbc-roc').scale!.type, 'log');
  t.is(x('megaface-identification').scale!.type, 'log');
  t.is(x('lfw-roc').scale!.type, 'log');
  t.is((spec(byName(figures, 'ijbc-roc')).layer![1]!.encoding as Record<string, { title?: string }>).y!.title, 'True accept rate (%)');
  t.is(y('theta-median').title, 'Median target angle (degrees)');
  t.is(x('theta-distribution').title, 'Target angle θ (degrees)');
  t.deepEqual(decadesSpanning([3e-6, 0.5, 0, 1]), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  t.deepEqual(decadesSpanning([10, 10000]), [10, 100, 1000, 10000]);
});

test('θ_y density: Gaussian kernels by hand, area 1, Silverman bandwidth', (t) => {
  // Two angles, bandwidth 2°: at 40° the kernel of 40 gives φ(0)/2 and the kernel of 44 gives φ(2)/2, each over h.
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const curve = angleDensity([40, 44], 2);
  t.is(curve.length, 181);
  t.deepEqual(curve[40].thetaDeg, 40);
  t.true(Math.abs(curve[40].density - (phi(0) + phi(2)) / (2 * 2)) < 1e-12);
  t.true(Math.abs(curve[42].density - (2 * phi(1)) / (2 * 2)) < 1e-12);
  t.true(Math.abs(curve.reduce((a, p) => a + p.density, 0) - 1) < 1e-6);
  // Silverman: 0.9·min(σ, IQR/1.34)·n^(−1/5) for 1, 2, …, 10 (σ with n−1: 3.0277; IQR 4.5 → 3.3582).
  const values = Array.from({ length: 10 }, (_, i) => i + 1);
  t.true(Math.abs(silvermanBandwidth(values) - 0.9 * Math.sqrt(110 / 12) * 10 ** -0.2) < 1e-9);
});

test('without angles.json the angle figures are skipped with the reason', (t) => {
  const skipped = reportFigures(loadSweep(sweep(t, { noAngles: true }))).flatMap((o) => ('skipped' in o ? [o.skipped] : []));
  t.deepEqual(skipped.map((s) => s.name), ['theta-distribution', 'theta-snapshots', 'non-target-angles']);
  for (const s of skipped) t.regex(s.reason, /angles\.json/);
});

test('renders to SVG with vega in Node and to PNG with resvg, at the asked zoom', async (t) => {
  const figures = reportFigures(loadSweep(sweep(t))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const svg = await renderSvg(byName(figures, 'megaface-identification').spec);
  t.regex(svg, /^<svg[^>]* width="(\d+)" height="(\d+)"/);
  t.false(svg.includes('<script'));
  // One line path per loss and one dot per (loss, size): 4 losses × 4 sizes.
  t.is((svg.match(/class="mark-line role-mark/g) ?? []).length, 4);
  t.is((svg.match(/aria-roledescription="point"/g) ?? []).length, 16);
  t.true(svg.includes('Number of distractors (log scale)'));
  const [, width, height] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
  const png = svgToPng(svg, 2);
  t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  t.is(png.readUInt32BE(16), 2 * width);
  t.is(png.readUInt32BE(20), 2 * height);
});

test('a sweep without MegaFace: no MegaFace columns, its two figures skipped with the reason', (t) => {
  const dir = sweep(t, { sizes: [10] });
  const board = readJson(join(dir, 'leaderboard.json'));
  board.metrics = board.metrics.filter((m: { key: string }) => !m.key.startsWith('megaface.'));
  for (const row of board.rows) {
    for (const key of Object.keys(row.metrics)) if (key.startsWith('megaface.')) delete row.metrics[key];
    for (const run of row.runs) rmSync(join(dir, run, 'eval', 'megaface.json'), { force: true });
  }
  writeFileSync(join(dir, 'leaderboard.json'), JSON.stringify(board));
  const data = loadSweep(dir);
  t.false(buildResultsTable(data).columns.some((c) => c.key.startsWith('megaface.')));
  const skipped = reportFigures(data).flatMap((o) => ('skipped' in o ? [o.skipped] : []));
  t.deepEqual(skipped.map((s) => s.name), ['megaface-identification', 'megaface-cmc']);
  t.regex(skipped[0].reason, /eval\/megaface\.json/);
});
