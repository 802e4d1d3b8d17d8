import type { SweepData } from '../sweep-data.js';
import type { FigureOutcome } from './figure.js';
import { variantColors } from './figure-style.js';
import { megafaceCmcFigure, megafaceIdentificationFigure } from './megaface-curves.js';
import { targetAngleFigure } from './target-angle-distribution.js';
import { nonTargetAngleFigure, targetAngleSnapshotsFigure } from './angle-snapshots.js';
import { marginProbabilityFigure, scaleProbabilityFigure } from './target-probability.js';
import { trainingCurveFigures } from './training-curves.js';
import { ijbRocFigure, lfwRocFigure } from './verification-roc.js';

/** Every figure of the report, in reading order, coloured by one variant → colour map from the leaderboard order. */
export function reportFigures(data: SweepData): FigureOutcome[] {
  const colors = variantColors(data.leaderboard.rows.map((r) => r.variant));
  const runs = data.runs;
  return [
    lfwRocFigure(runs, colors),
    megafaceIdentificationFigure(runs, colors),
    megafaceCmcFigure(data, colors),
    ijbRocFigure('ijbc', runs, colors),
    ...(runs.some((r) => r.eval.ijbb) ? [ijbRocFigure('ijbb', runs, colors)] : []),
    ...trainingCurveFigures(runs, colors),
    targetAngleFigure(runs, colors),
    targetAngleSnapshotsFigure(runs, colors),
    nonTargetAngleFigure(runs, colors),
    scaleProbabilityFigure(data),
    marginProbabilityFigure(data),
  ];
}
