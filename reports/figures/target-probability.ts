import type { TopLevelSpec } from 'vega-lite';
import type { RunRecord, SweepData } from '../sweep-data.js';
import type { FigureOutcome } from './figure.js';
import { paperConfig, PLOT_HEIGHT, PLOT_WIDTH } from './figure-style.js';

/**
 * The AdaCos paper's analysis figures: the predicted probability of the target class as a function of its angle,
 *   P(θ) = e^{s·f(θ)} / (e^{s·f(θ)} + B),  B = Σ_{k≠y} e^{s·cos θ_k} ≈ C − 1,
 * with the non-target angles at 90° (cos θ_k = 0), where they stay in training (the non-target angle figure
 * shows how close). f(θ) = cos θ without a margin, cos θ − m for CosFace, cos(θ + m) for ArcFace (cos θ − m·sin m
 * where θ + m > π). A scale too small keeps P low even at θ = 0 (the loss never stops pushing); one too large
 * saturates P long before θ is small (the loss stops pulling early) — fixed AdaCos's s = √2·ln(C − 1) puts the
 * steep part where the target angles are.
 */
export const ADACOS_SCALE = (classes: number) => Math.SQRT2 * Math.log(classes - 1);

export function targetProbability(thetaRad: number, s: number, classes: number, f: (theta: number) => number = Math.cos): number {
  // Written as a logistic of the log-odds, so e^{s·f} cannot overflow at large s.
  return 1 / (1 + (classes - 1) * Math.exp(-s * f(thetaRad)));
}

const arcface = (m: number) => (theta: number) => (theta + m <= Math.PI ? Math.cos(theta + m) : Math.cos(theta) - m * Math.sin(m));
const cosface = (m: number) => (theta: number) => Math.cos(theta) - m;

/** The class count the study trained on (every run of a sweep shares the training set). */
function classCount(runs: RunRecord[]): number | null {
  return runs.find((r) => r.config?.dataset?.numClasses)?.config?.dataset.numClasses ?? null;
}

/** Resolved parameter values the study ran a loss with, e.g. every s of its ArcFace variants. */
function studyValues(runs: RunRecord[], loss: string, param: string): number[] {
  const values = runs.flatMap((r) => {
    const v = r.config?.definition?.loss?.name === loss ? r.config?.resolved?.lossParams?.[param] : undefined;
    return typeof v === 'number' ? [v] : [];
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

interface Curve {
  label: string;
  f?: (theta: number) => number;
  s: number;
  emphasis: boolean;
}

function probabilityChart(title: string, curves: Curve[], classes: number): TopLevelSpec {
  const values = curves.flatMap((c) =>
    Array.from({ length: 91 }, (_, i) => {
      const thetaDeg = i * 2;
      return { curve: c.label, width: c.emphasis ? 3.5 : 1.5, thetaDeg, p: targetProbability((thetaDeg * Math.PI) / 180, c.s, classes, c.f) };
    }),
  );
  const order = curves.map((c) => c.label);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    config: paperConfig,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'thetaDeg', type: 'quantitative', title: 'Angle to the target class weight (degrees)', scale: { domain: [0, 180] }, axis: { values: [0, 30, 60, 90, 120, 150, 180] } },
      y: { field: 'p', type: 'quantitative', title: 'Predicted probability of the target class', scale: { domain: [0, 1] } },
      color: { field: 'curve', type: 'nominal', title: null, sort: order, legend: { orient: 'bottom', columns: 2, symbolType: 'stroke', labelLimit: 260 } },
      strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
      tooltip: [
        { field: 'curve', type: 'nominal', title: 'Curve' },
        { field: 'thetaDeg', type: 'quantitative', title: 'θ (degrees)' },
        { field: 'p', type: 'quantitative', title: 'P', format: '.3f' },
      ],
    },
  } as TopLevelSpec;
}

const fmt = (x: number) => Number(x.toFixed(2)).toString();

/** P(θ) for several scales s at the study's class count, fixed AdaCos's s marked. */
export function scaleProbabilityFigure(data: SweepData): FigureOutcome {
  const meta = { name: 'target-probability-scale', title: 'Target probability against θ for several scales s' };
  const classes = classCount(data.runs);
  if (classes === null || classes < 3) return { skipped: { ...meta, reason: 'no run config gives the class count (C ≥ 3 needed)' } };
  const adacos = ADACOS_SCALE(classes);
  const studied = [...studyValues(data.runs, 'cosface', 's'), ...studyValues(data.runs, 'arcface', 's')];
  const scales = [...new Set([adacos / 2, adacos, ...studied, 16, 32, 64].map((s) => Number(s.toFixed(2))))].sort((a, b) => a - b);
  const curves = scales.map((s) => ({
    label: Math.abs(s - adacos) < 0.01 ? `s = ${fmt(s)} (fixed AdaCos, √2·ln(C−1))` : `s = ${fmt(s)}${studied.some((v) => Math.abs(v - s) < 0.01) ? ' (in this study)' : ''}`,
    s,
    emphasis: Math.abs(s - adacos) < 0.01,
  }));
  return {
    figure: {
      ...meta,
      caption: `P(θ) = e^{s·cos θ}/(e^{s·cos θ} + B) at C = ${classes} classes, with B = C − 1 (every non-target angle at 90°, where training keeps them: see the non-target angle figure). The bold curve is fixed AdaCos's s = √2·ln(C − 1) = ${fmt(adacos)}. A larger s saturates P at large angles, so the loss stops pulling θ down early; a smaller s never lets P approach 1.`,
      spec: probabilityChart(meta.title, curves, classes),
    },
  };
}

/** P(θ) under CosFace's and ArcFace's margins at one scale: fixed AdaCos's s for the study's class count. */
export function marginProbabilityFigure(data: SweepData): FigureOutcome {
  const meta = { name: 'target-probability-margin', title: 'Target probability against θ under margins' };
  const classes = classCount(data.runs);
  if (classes === null || classes < 3) return { skipped: { ...meta, reason: 'no run config gives the class count (C ≥ 3 needed)' } };
  const s = ADACOS_SCALE(classes);
  const cosM = studyValues(data.runs, 'cosface', 'm');
  const arcM = studyValues(data.runs, 'arcface', 'm');
  const curves: Curve[] = [
    { label: 'no margin', s, emphasis: true },
    ...(cosM.length ? cosM : [0.35]).map((m) => ({ label: `CosFace, m = ${fmt(m)}`, f: cosface(m), s, emphasis: false })),
    ...(arcM.length ? arcM : [0.5]).map((m) => ({ label: `ArcFace, m = ${fmt(m)}`, f: arcface(m), s, emphasis: false })),
  ];
  return {
    figure: {
      ...meta,
      caption: `P(θ) at s = ${fmt(s)} (fixed AdaCos's scale for C = ${classes}) with B = C − 1: without a margin, and with the margins this study uses (CosFace cos θ − m, ArcFace cos(θ + m)). A margin shifts the curve to smaller angles: the target must be closer to its class weight for the same probability, which is what the margin losses trade for a harder training signal.`,
      spec: probabilityChart(meta.title, curves, classes),
    },
  };
}
