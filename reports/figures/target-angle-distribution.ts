import type { RunRecord } from '../sweep-data.js';
import { curveChart } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

/** Bin width of the θ_y histogram, in degrees. */
export const ANGLE_BIN_DEG = 2;

/**
 * Histogram density of angles in [0°, 180°]: fraction of the angles per degree in each bin, so runs with different
 * sample counts compare and the area under every curve is 1.
 */
export function angleDensity(anglesDeg: readonly number[], binDeg = ANGLE_BIN_DEG): Array<{ thetaDeg: number; density: number }> {
  const bins = Math.ceil(180 / binDeg);
  const counts = new Float64Array(bins);
  for (const a of anglesDeg) counts[Math.min(bins - 1, Math.max(0, Math.floor(a / binDeg)))] += 1;
  return Array.from(counts, (c, i) => ({ thetaDeg: (i + 0.5) * binDeg, density: c / (anglesDeg.length * binDeg) }));
}

/**
 * Distribution of the target angles θ_y at the end of training, per loss, read from each run's angles.json (the
 * trainer writes it after the last step; the checkpoint alone cannot give per-sample angles without the model).
 */
export function targetAngleFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const meta = { name: 'theta-distribution', title: 'Target angle θ_y at the end of training' };
  const withAngles = runs.filter((r) => r.thetaTargetDeg && r.thetaTargetDeg.length > 0);
  if (withAngles.length === 0) return { skipped: { ...meta, reason: 'no run has angles.json ({"thetaTargetDeg": [...]}, written by the trainer at the end of training)' } };
  const values = withAngles.flatMap((run) =>
    angleDensity(run.thetaTargetDeg!).map((bin) => ({ variant: run.variant, run: run.name, seed: run.seed, ...bin })),
  );
  return {
    figure: {
      ...meta,
      caption: `Histogram density (${ANGLE_BIN_DEG}° bins) of θ_y, the angle between each training embedding and its class weight, after the last step; mean over seeds; from angles.json.`,
      spec: curveChart({
        title: meta.title,
        values,
        x: { field: 'thetaDeg', title: 'Target angle θ_y (degrees)', domain: [0, 180] },
        y: { field: 'density', title: 'Density (fraction per degree)' },
        colors,
        lines: 'mean',
        points: false,
        interpolate: 'monotone',
      }),
    },
  };
}
