import { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY, CONVERGENCE_WINDOW } from '../run-store/convergence-criterion.js';
import type { ConvergenceVerdict, MetricsLine } from '../run-store/run-store.js';

export type { ConvergenceVerdict } from '../run-store/run-store.js';

/**
 * Did a run converge? The criterion (README "Convergence"), over the metrics lines of the last 10% of training: the
 * median target angle θ_med — the median over the batch of each sample's angle to its own class weight, before any
 * margin, AdaCos's own measure of training progress — is at most CONVERGED_THETA_MED_DEG, or the training accuracy
 * (top-1 on the plain logits) is at least CONVERGED_TRAIN_ACCURACY. Either says the network learnt its classes.
 * θ_med starts near 90° (random class weights) and stays there when a loss cannot train the network in its setting
 * (a scale too large for the class count keeps CosFace and ArcFace at 84–88° on the demo, LFW 60–72%). On a
 * schedule of a few epochs over many classes the accuracy stays low for losses that clearly learnt (demo:
 * SphereFace 0.09–0.13 with LFW 88–90%), so the angle decides there; with few classes the other classes sit far
 * enough away that a run classifies well with θ_med near 70° (synth-tiny, 64 classes: AdaFace 73% at 67°), so the
 * accuracy decides there. Measured on the demo (README): every run that learnt ends at θ_med ≤ 61.0°, every run that
 * did not at ≥ 73.6° and below 10% accuracy.
 */
export { CONVERGED_THETA_MED_DEG, CONVERGED_TRAIN_ACCURACY, CONVERGENCE_WINDOW };

const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function convergenceVerdict(metrics: readonly MetricsLine[], steps: number, numClasses: number): ConvergenceVerdict {
  const from = steps - Math.max(1, Math.round(CONVERGENCE_WINDOW * steps));
  // A run that logs less often than the window is long is judged on its last line rather than on nothing.
  const inWindow = metrics.filter((m) => m.step > from);
  const window = inWindow.length > 0 ? inWindow : metrics.slice(-1);
  const mean = (key: string) => {
    const values = window.map((m) => number(m[key])).filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const thetaMedDeg = mean('thetaMedDeg');
  const trainAccuracy = mean('acc') ?? 0;
  const last = metrics[metrics.length - 1];
  return {
    converged: (thetaMedDeg !== null && thetaMedDeg <= CONVERGED_THETA_MED_DEG) || trainAccuracy >= CONVERGED_TRAIN_ACCURACY,
    criterion: `over the last ${Math.round(CONVERGENCE_WINDOW * 100)}% of steps, median target angle θ_med ≤ ${CONVERGED_THETA_MED_DEG}° or training accuracy (plain top-1) ≥ ${100 * CONVERGED_TRAIN_ACCURACY}%`,
    trainAccuracy,
    trainAccuracyMargin: mean('accMargin'),
    thetaMedDeg,
    lossFirst: number(metrics[0]?.loss),
    lossLast: number(last?.loss),
    lnClasses: Math.log(numClasses),
  };
}
