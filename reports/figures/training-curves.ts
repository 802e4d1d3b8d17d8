import { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY, CONVERGENCE_WINDOW } from '../../harness/run-store/convergence-criterion.js';
import type { RunRecord } from '../sweep-data.js';
import { curveChart, type CurveAxis } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

/** A metrics.jsonl field plotted over training iterations, mean over seeds per loss. */
interface TrainingCurve {
  name: string;
  title: string;
  field: string;
  y: Omit<CurveAxis, 'field'>;
  caption: string;
}

const CURVES: TrainingCurve[] = [
  {
    name: 'training-loss',
    title: 'Training loss',
    field: 'loss',
    y: { title: 'Cross-entropy loss (nats)', zero: false },
    caption: 'Mean softmax cross-entropy of the logged window of steps, mean over the finished seeds; metrics.jsonl "loss".',
  },
  {
    name: 'training-accuracy',
    title: 'Training accuracy',
    field: 'acc',
    y: { title: 'Training accuracy (%)', percent: true },
    caption: 'Top-1 accuracy on the plain logits (s·cos θ, no margin; raw logits for Softmax) of the training batches in the logged window, mean over seeds: reported with the convergence verdict (which is read from θ_med); metrics.jsonl "acc".',
  },
  {
    name: 'training-accuracy-margin',
    title: 'Training accuracy on the margin logits',
    field: 'accMargin',
    y: { title: 'Top-1 on the margin logits (%)', percent: true },
    caption: 'Top-1 on the logits the loss is computed from, margin included: it stays far below the plain accuracy for CosFace and ArcFace even when they have learnt their classes, which is why the training accuracy is read on the plain logits; metrics.jsonl "accMargin", mean over seeds.',
  },
  {
    name: 'scale',
    title: 'Scale s over training',
    field: 'scale',
    y: { title: 'Logit scale s', zero: false },
    caption: 'The scale s multiplying the cosine logits: fixed for CosFace/ArcFace/fixed AdaCos, adapted per batch by dynamic AdaCos; metrics.jsonl "scale", mean over seeds.',
  },
  {
    name: 'theta-median',
    title: 'Median target angle over training',
    field: 'thetaMedDeg',
    y: { title: 'Median target angle (degrees)', zero: false },
    caption: `Median over the batch of θ, the angle between each embedding and its own class weight, before any margin (AdaCos's θ_med), mean over seeds; metrics.jsonl "thetaMedDeg". The convergence verdict asks for θ_med ≤ ${CONVERGED_THETA_MED_DEG}° (or training accuracy ≥ ${100 * CONVERGED_TRAIN_ACCURACY}%) over the last ${100 * CONVERGENCE_WINDOW}% of steps.`,
  },
];

/**
 * The runs whose curves are averaged: a variant's finished runs, since a diverged seed would drop out of the mean
 * part-way and bend the curve; a variant with no finished run shows its unfinished ones, so a divergence is seen.
 */
export function runsForCurves(runs: RunRecord[]): RunRecord[] {
  const finished = (r: RunRecord) => r.status?.state === 'done';
  const variantsDone = new Set(runs.filter(finished).map((r) => r.variant));
  return runs.filter((r) => finished(r) || !variantsDone.has(r.variant));
}

export function trainingCurveFigures(allRuns: RunRecord[], colors: VariantColors): FigureOutcome[] {
  const runs = runsForCurves(allRuns);
  return CURVES.map((curve) => {
    const values = runs.flatMap((run) =>
      run.metrics.flatMap((line) => {
        const value = line[curve.field];
        return typeof value === 'number' && Number.isFinite(value) ? [{ variant: run.variant, run: run.name, seed: run.seed, step: line.step, [curve.field]: value }] : [];
      }),
    );
    if (values.length === 0) return { skipped: { name: curve.name, title: curve.title, reason: `no run logged "${curve.field}" in metrics.jsonl` } };
    return {
      figure: {
        name: curve.name,
        title: curve.title,
        caption: curve.caption,
        spec: curveChart({
          title: curve.title,
          values,
          x: { field: 'step', title: 'Training iteration', zero: true },
          y: { field: curve.field, ...curve.y, log: curve.field === 'scale' && spansDecades(values.map((v) => v[curve.field] as number)) },
          colors,
          lines: 'mean',
          points: false,
        }),
      },
    };
  });
}

/**
 * Plain softmax's "scale" is the feature norm, which can be orders of magnitude above the cosine losses' s; a log
 * axis then keeps the small scales readable.
 */
function spansDecades(values: number[]): boolean {
  const positive = values.filter((v) => v > 0);
  if (positive.length !== values.length || positive.length === 0) return false;
  return Math.max(...positive) / Math.min(...positive) > 20;
}
