/**
 * The thresholds of the convergence verdict stored with every run (harness/training/convergence.ts judges, README
 * "Convergence" justifies them). They live beside the stored verdict because training, the sweep's summary and the
 * report's footnotes all state them, and reports may only read through the run store.
 */
export const CONVERGED_THETA_MED_DEG = 65;
export const CONVERGED_TRAIN_ACCURACY = 0.5;
/** The share of training steps, at the end, whose metrics lines the verdict averages. */
export const CONVERGENCE_WINDOW = 0.1;
