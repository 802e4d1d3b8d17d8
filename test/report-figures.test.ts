import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figure } from '../reports/figures/figure.js';
import { reportFigures } from '../reports/figures/report-figures.js';
import { angleDensity, silvermanBandwidth } from '../reports/figures/target-angle-distribution.js';
import { decadesSpanning } from '../reports/figures/curve-chart.js';
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
  layer: Array<{ encoding: Record<string, { scale?: { domain?: unknown; range?: unknown } }> }>;
}
const spec = (f: Figure) => f.spec as unknown as Layered;
const byName = (figures: Figure[], name: string) => figures.find((f) => f.name === name)!;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('every figure the issue lists is drawn from a complete sweep', (t) => {
  const outcomes = reportFigures(loadSweep(sweep(t)));
  t.deepEqual(
    outcomes.map((o) => ('figure' in o ? o.figure.name : `skipped ${o.skipped.name}`)),
    ['lfw-roc', 'megaface-identification', 'megaface-cmc', 'ijbc-roc', 'training-loss', 'training-accuracy', 'scale', 'theta-median', 'theta-distribution'],
  );
});

test('each loss has the same colour and dash in every figure, in leaderboard order', (t) => {
  const figures = reportFigures(loadSweep(sweep(t))).flatMap((o) => ('figure' in o ? [o.figure] : []));
  const variants = defaultVariants().map((v) => v.variant);
  for (const f of figures) {
    const color = spec(f).encoding.color;
    t.deepEqual(color.scale!.domain, variants, f.name);
    t.deepEqual(color.scale!.range, ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'], f.name);
    t.deepEqual(spec(f).layer[0].encoding.strokeDash.scale!.domain, variants, f.name);
  }
});

test('figures carry the run files\' numbers: ROC points per run, MegaFace sizes, training steps', (t) => {
  const dir = sweep(t);
  const figures = reportFigures(loadSweep(dir)).flatMap((o) => ('figure' in o ? [o.figure] : []));
  // LFW ROC: every point with FAR > 0 of the run's eval/lfw.json, tagged with its run (FAR = 0 cannot sit on a log axis).
  const roc = readJson(join(dir, 'cosface-1-seed2', 'eval', 'lfw.json')).roc as { fpr: number[]; tpr: number[] };
  const points = spec(byName(figures, 'lfw-roc')).data.values.filter((v) => v.run === 'cosface-1-seed2');
  t.is(points.length, roc.fpr.filter((f) => f > 0).length);
  t.deepEqual(points[0], { variant: 'CosFace', run: 'cosface-1-seed2', seed: 2, fpr: roc.fpr[1], tpr: roc.tpr[1] });
  // The diverged AdaCos seed has no eval files, so only its finished seed appears.
  t.deepEqual([...new Set(spec(byName(figures, 'ijbc-roc')).data.values.filter((v) => v.variant === 'AdaCos (dynamic)').map((v) => v.run))], ['adacos-dynamic-3-seed1']);
  const mf = spec(byName(figures, 'megaface-identification')).data.values.filter((v) => v.run === 'arcface-2-seed1');
  t.deepEqual(mf.map((v) => v.distractors), [10, 100, 1000, 10000]);
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
  t.is(y('ijbc-roc').title, 'True accept rate (%)');
  t.is(y('theta-median').title, 'Median target angle θ_med (degrees)');
  t.is(x('theta-distribution').title, 'Target angle θ_y (degrees)');
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

test('without angles.json the θ_y figure is skipped with the reason', (t) => {
  const outcomes = reportFigures(loadSweep(sweep(t, { noAngles: true })));
  const last = outcomes[outcomes.length - 1];
  t.true('skipped' in last);
  if ('skipped' in last) t.regex(last.skipped.reason, /angles\.json/);
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
