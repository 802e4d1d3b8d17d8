import type { TrainSettings } from '../run-store/train-settings.js';

/** Learning rate at a 0-based step: linear warm-up, then step decay at milestones or a cosine to zero. */
export function learningRate(step: number, s: Pick<TrainSettings, 'lr' | 'steps' | 'schedule' | 'warmupSteps' | 'milestones' | 'decayFactor'>): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  switch (s.schedule) {
    case 'constant':
      return s.lr;
    case 'step': {
      const passed = s.milestones.filter((m) => step >= Math.round(m * s.steps)).length;
      return s.lr * s.decayFactor ** passed;
    }
    case 'cosine': {
      const span = Math.max(1, s.steps - s.warmupSteps);
      const t = Math.min(1, (step - s.warmupSteps) / span);
      return 0.5 * s.lr * (1 + Math.cos(Math.PI * t));
    }
  }
}
