/**
 * The run artefact 'angles' (angles.json): the angle distributions the trainer measures at several points of
 * training (harness/training/angle-snapshots.ts writes it; the report's angle figures read it).
 */
export interface AngleSnapshot {
  /** Completed training steps. */
  step: number;
  images: number;
  /** θ_y per image, degrees (0.01° resolution). */
  thetaTargetDeg: number[];
  /** Angles to the non-target classes, as counts per 1° bin over [0°, 180°); absent when the head has no per-class W. */
  nonTargetHistogram?: { binDeg: 1; counts: number[] };
}

export interface AnglesArtefact {
  snapshots: AngleSnapshot[];
  /** The last snapshot's θ_y: the end-of-training distribution (kept at the top level, as earlier runs wrote it). */
  step: number;
  images: number;
  thetaTargetDeg: number[];
}
