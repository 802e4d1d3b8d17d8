import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord } from '../sweep-data.js';
import type { FigureOutcome } from './figure.js';
import { colorEncoding, dashEncoding, paperConfig, type VariantColors } from './figure-style.js';

/**
 * The angle distributions the trainer measures during training (angles.json "snapshots": at 25, 50, 75 and 100%
 * of the steps, on the same 2,048 training images for every loss), as the AdaCos paper draws them: how the target
 * angles θ_y move towards 0 as training goes on, and how the angles to the other classes stay near 90°.
 */
const BIN_DEG = 2;

/** Fraction of the values per BIN_DEG-wide bin over [0°, 180°), divided by the width: a density per degree. */
function histogramDensity(values: readonly number[]): number[] {
  const counts = new Array(180 / BIN_DEG).fill(0);
  for (const v of values) counts[Math.min(counts.length - 1, Math.max(0, Math.floor(v / BIN_DEG)))]++;
  return counts.map((c) => (values.length ? c / values.length / BIN_DEG : 0));
}

/** "25% (step 75)": a snapshot's position in training, comparable across runs of different lengths. */
function trainingPoint(step: number, steps: number | undefined): string {
  return steps ? `${Math.round((100 * step) / steps)}% (step ${step})` : `step ${step}`;
}

export function targetAngleSnapshotsFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const meta = { name: 'theta-snapshots', title: 'Target angle θ during training' };
  const withSnapshots = runs.filter((r) => r.angleSnapshots.length > 0);
  if (withSnapshots.length === 0) return { skipped: { ...meta, reason: 'no run has angle snapshots (angles.json "snapshots", written by the trainer during training)' } };
  // Pooled over seeds: every run of a variant contributes its images at the same training point.
  const pooled = new Map<string, { variant: string; point: string; step: number; values: number[] }>();
  for (const run of withSnapshots) {
    for (const snap of run.angleSnapshots) {
      const point = trainingPoint(snap.step, run.config?.definition?.train?.steps);
      const key = `${run.variant}\u0000${point}`;
      const entry = pooled.get(key) ?? { variant: run.variant, point, step: snap.step, values: [] };
      entry.values.push(...snap.thetaTargetDeg);
      pooled.set(key, entry);
    }
  }
  const values = [...pooled.values()].flatMap((e) => histogramDensity(e.values).map((density, i) => ({ variant: e.variant, point: e.point, step: e.step, thetaDeg: (i + 0.5) * BIN_DEG, density })));
  const points = [...new Set([...pooled.values()].sort((a, b) => a.step - b.step).map((e) => e.point))];
  const variants = colors.domain.filter((v) => withSnapshots.some((r) => r.variant === v));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: meta.title,
    config: paperConfig,
    data: { values },
    facet: { field: 'variant', type: 'nominal', title: null, sort: variants, header: { labelFontSize: 11 } },
    columns: 4,
    spec: {
      width: 170,
      height: 110,
      mark: { type: 'line', interpolate: 'step', clip: true },
      encoding: {
        x: { field: 'thetaDeg', type: 'quantitative', title: 'Target angle θ (degrees)', scale: { domain: [0, 120] } },
        y: { field: 'density', type: 'quantitative', title: 'Density (per degree)' },
        color: { field: 'point', type: 'ordinal', title: 'Training point', sort: points, scale: { scheme: 'viridis', reverse: true }, legend: { orient: 'bottom' } },
        tooltip: [
          { field: 'variant', type: 'nominal', title: 'Loss' },
          { field: 'point', type: 'ordinal', title: 'Training point' },
          { field: 'thetaDeg', type: 'quantitative', title: 'θ (degrees)' },
          { field: 'density', type: 'quantitative', title: 'Density', format: '.4f' },
        ],
      },
    },
  } as TopLevelSpec;
  return {
    figure: {
      ...meta,
      caption: `Histogram (${BIN_DEG}° bins, as a density) of θ, the angle between each training embedding and its own class weight, at 25, 50, 75 and 100% of training, pooled over seeds; 2,048 training images, the same for every loss, in evaluation mode; from angles.json "snapshots".`,
      spec,
    },
  };
}

export function nonTargetAngleFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const meta = { name: 'non-target-angles', title: 'Angles to the non-target classes at the end of training' };
  const pooled = new Map<string, number[]>();
  for (const run of runs) {
    const last = run.angleSnapshots[run.angleSnapshots.length - 1];
    const counts = last?.nonTargetHistogram?.counts;
    if (!counts) continue;
    const sum = pooled.get(run.variant) ?? new Array(counts.length).fill(0);
    counts.forEach((c, i) => (sum[i] += c));
    pooled.set(run.variant, sum);
  }
  if (pooled.size === 0) return { skipped: { ...meta, reason: 'no run has a non-target angle histogram (angles.json "snapshots"; heads with one weight per class only)' } };
  const values = [...pooled].flatMap(([variant, counts]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c, i) => ({ variant, thetaDeg: i + 0.5, density: total ? c / total : 0 }));
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: meta.title,
    width: 360,
    height: 240,
    config: paperConfig,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'thetaDeg', type: 'quantitative', title: 'Angle to a non-target class weight (degrees)', scale: { domain: [45, 135] }, axis: { values: [45, 60, 75, 90, 105, 120, 135] } },
      y: { field: 'density', type: 'quantitative', title: 'Density (per degree)' },
      color: colorEncoding(colors),
      strokeDash: dashEncoding(colors),
      tooltip: [
        { field: 'variant', type: 'nominal', title: 'Loss' },
        { field: 'thetaDeg', type: 'quantitative', title: 'θ (degrees)' },
        { field: 'density', type: 'quantitative', title: 'Density', format: '.4f' },
      ],
    },
  } as TopLevelSpec;
  return {
    figure: {
      ...meta,
      caption: 'Histogram (1° bins, as a density) of the angles between each of 2,048 training embeddings and every class weight but its own, after the last step, pooled over seeds. They stay near 90°: the premise of B ≈ C − 1 in the target-probability figures.',
      spec,
    },
  };
}
