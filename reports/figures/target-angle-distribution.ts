import type { RunRecord } from '../sweep-data.js';
import { curveChart } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

/** Grid step of the density curve, in degrees. */
export const ANGLE_GRID_DEG = 1;
/** Smallest kernel bandwidth: a run whose angles are all equal still gets a visible peak. */
const MIN_BANDWIDTH_DEG = 0.5;

/** Silverman's rule of thumb, h = 0.9·min(σ, IQR/1.34)·n^(−1/5): what scipy and seaborn use for a first look. */
export function silvermanBandwidth(values: readonly number[]): number {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  const quantile = (q: number) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    return sorted[lo] + (sorted[Math.min(n - 1, lo + 1)] - sorted[lo]) * (pos - lo);
  };
  const iqr = quantile(0.75) - quantile(0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return Math.max(MIN_BANDWIDTH_DEG, 0.9 * spread * n ** -0.2);
}

/**
 * Gaussian kernel density of the angles on a grid over [0°, 180°] (per degree, so the area under it is 1 up to the
 * mass the kernels put outside the range). Computed here, not in the browser, so the inlined data stay small
 * however many training images the run has.
 */
export function angleDensity(anglesDeg: readonly number[], bandwidthDeg = silvermanBandwidth(anglesDeg), stepDeg = ANGLE_GRID_DEG): Array<{ thetaDeg: number; density: number }> {
  const norm = 1 / (anglesDeg.length * bandwidthDeg * Math.sqrt(2 * Math.PI));
  const points = Math.round(180 / stepDeg) + 1;
  return Array.from({ length: points }, (_, i) => {
    const theta = i * stepDeg;
    let sum = 0;
    for (const a of anglesDeg) {
      const z = (theta - a) / bandwidthDeg;
      if (z > -8 && z < 8) sum += Math.exp(-0.5 * z * z);
    }
    return { thetaDeg: theta, density: sum * norm };
  });
}

/** The x range that holds every run's angles, widened to whole 10° steps within [0°, 180°]. */
function angleDomain(runs: RunRecord[]): [number, number] {
  const all = runs.flatMap((r) => r.thetaTargetDeg ?? []);
  let low = Infinity;
  let high = -Infinity;
  for (const a of all) (low = Math.min(low, a)), (high = Math.max(high, a));
  return [Math.max(0, Math.floor(low / 10 - 1) * 10), Math.min(180, Math.ceil(high / 10 + 1) * 10)];
}

/**
 * Distribution of the target angles θ_y at the end of training, per loss, read from each run's angles.json (the
 * trainer writes it after the last step; the checkpoint alone cannot give per-sample angles without the model).
 */
export function targetAngleFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const meta = { name: 'theta-distribution', title: 'Target angle θ at the end of training' };
  const withAngles = runs.filter((r) => r.thetaTargetDeg && r.thetaTargetDeg.length > 0);
  if (withAngles.length === 0) return { skipped: { ...meta, reason: 'no run has angles.json ({"thetaTargetDeg": [...]}, written by the trainer at the end of training)' } };
  const domain = angleDomain(withAngles);
  const values = withAngles.flatMap((run) =>
    angleDensity(run.thetaTargetDeg!)
      .filter((p) => p.thetaDeg >= domain[0] && p.thetaDeg <= domain[1])
      .map((p) => ({ variant: run.variant, run: run.name, seed: run.seed, ...p })),
  );
  return {
    figure: {
      ...meta,
      caption: 'Gaussian kernel density (Silverman bandwidth) of θ, the angle between each training embedding and its own class weight after the last step, mean over seeds; from angles.json.',
      spec: curveChart({
        title: meta.title,
        values,
        x: { field: 'thetaDeg', title: 'Target angle θ (degrees)', domain },
        y: { field: 'density', title: 'Density (per degree)' },
        colors,
        lines: 'mean',
        points: false,
      }),
    },
  };
}
