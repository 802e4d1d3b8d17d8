import type { ConvergenceVerdict, MetricsLine } from '../run-store/run-store.js';

export type { ConvergenceVerdict } from '../run-store/run-store.js';

/**
 * Did a run converge? The criterion (README "Convergence"): the training accuracy — top-1 on the plain logits,
 * s·cos θ_j without any margin (raw logits for Softmax) — averaged over the metrics lines of the last 10% of
 * training, is at least CONVERGED_ACCURACY. Chance is 1/C (0.2% for the demo's 500 classes). Measured on the
 * demo (README): runs that learnt their classes end far above the threshold and score well above chance on
 * every protocol; runs stuck at a scale that does not suit their class count end far below it, with θ_med still
 * near 90° and LFW accuracy near chance. The other numbers are stored beside the verdict so a reader can judge.
 */
export const CONVERGED_ACCURACY = 0.5;
export const CONVERGENCE_WINDOW = 0.1;

const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function convergenceVerdict(metrics: readonly MetricsLine[], steps: number, numClasses: number): ConvergenceVerdict {
  const from = steps - Math.max(1, Math.round(CONVERGENCE_WINDOW * steps));
  const window = metrics.filter((m) => m.step > from);
  const mean = (key: string) => {
    const values = window.map((m) => number(m[key])).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const trainAccuracy = mean('acc') ?? 0;
  const last = metrics[metrics.length - 1];
  return {
    converged: trainAccuracy >= CONVERGED_ACCURACY,
    criterion: `training top-1 on the plain logits (no margin), mean over the last ${Math.round(CONVERGENCE_WINDOW * 100)}% of steps, ≥ ${CONVERGED_ACCURACY}`,
    trainAccuracy,
    trainAccuracyMargin: mean('accMargin'),
    thetaMedDeg: number(last?.thetaMedDeg),
    lossFirst: number(metrics[0]?.loss),
    lossLast: number(last?.loss),
    lnClasses: Math.log(numClasses),
  };
}
