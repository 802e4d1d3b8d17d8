/** Training settings shared by every loss: what `flb train` flags and sweep configs set. */
export interface TrainSettings {
  steps: number;
  batchSize: number;
  /** Peak learning rate, reached after warm-up. */
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'step' | 'cosine' | 'constant';
  /** Linear warm-up from lr/warmupSteps to lr over this many steps. */
  warmupSteps: number;
  /** Step schedule: fractions of `steps` where the rate is multiplied by `decayFactor`. */
  milestones: number[];
  decayFactor: number;
  seed: number;
  /** Random horizontal flip of training images (insightface's augmentation). */
  flip: boolean;
  embeddingDim: number;
  /** A metrics line every this many steps. */
  logEvery: number;
  /** A checkpoint every this many steps (and at the end). */
  checkpointEvery: number;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  steps: 200,
  batchSize: 64,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'step',
  warmupSteps: 0,
  milestones: [0.5, 0.75],
  decayFactor: 0.1,
  seed: 1,
  flip: true,
  embeddingDim: 512,
  logEvery: 10,
  checkpointEvery: 50,
};
