import type { ConvergenceVerdict, MetricsLine } from '../run-store/run-store.js';

export type { ConvergenceVerdict } from '../run-store/run-store.js';

/**
 * Did a run converge? The criterion (README "Convergence"): the median target angle θ_med — the median over the batch
 * of each sample's angle to its own class weight, before any margin, AdaCos's own measure of training progress —
 * averaged over the metrics lines of the last 10% of training, is at most CONVERGED_THETA_MED_DEG. It starts near
 * 90° (random class weights) and stays there when a loss cannot train the network in its setting (a scale too
 * large for the class count keeps CosFace and ArcFace at 84–88° on the demo, with LFW accuracy near chance);
 * runs that learn bring it far below. Training accuracy (top-1 on the plain logits) is reported beside it but not
 * used: on a schedule of a few epochs it stays low for losses that clearly learnt (SphereFace's plain logits carry
 * ‖x‖), and its level depends on the class count. Measured on the demo (README): every run that learnt ends at
 * θ_med ≤ 61°, every run that did not at ≥ 73°.
 */
export const CONVERGED_THETA_MED_DEG = 65;
export const CONVERGENCE_WINDOW = 0.1;

const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function convergenceVerdict(metrics: readonly MetricsLine[], steps: number, numClasses: number): ConvergenceVerdict {
  const from = steps - Math.max(1, Math.round(CONVERGENCE_WINDOW * steps));
  const window = metrics.filter((m) => m.step > from);
  const mean = (key: string) => {
    const values = window.map((m) => number(m[key])).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const thetaMedDeg = mean('thetaMedDeg');
  const last = metrics[metrics.length - 1];
  return {
    converged: thetaMedDeg !== null && thetaMedDeg <= CONVERGED_THETA_MED_DEG,
    criterion: `median target angle θ_med, mean over the last ${Math.round(CONVERGENCE_WINDOW * 100)}% of steps, ≤ ${CONVERGED_THETA_MED_DEG}°`,
    trainAccuracy: mean('acc') ?? 0,
    trainAccuracyMargin: mean('accMargin'),
    thetaMedDeg,
    lossFirst: number(metrics[0]?.loss),
    lossLast: number(last?.loss),
    lnClasses: Math.log(numClasses),
  };
}
