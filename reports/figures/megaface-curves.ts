import { distractorLabel, largestMegafaceSize } from '../paper-columns.js';
import type { RunRecord, SweepData } from '../sweep-data.js';
import { curveChart } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

/** Rank-1 identification rate against the number of distractors, mean over seeds per loss. */
export function megafaceIdentificationFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const values = runs.flatMap((run) =>
    Object.entries(run.eval.megaface?.identification ?? {}).map(([size, rate]) => ({ variant: run.variant, run: run.name, seed: run.seed, distractors: Number(size), rate })),
  );
  const meta = { name: 'megaface-identification', title: 'MegaFace rank-1 identification vs distractors' };
  if (values.length === 0) return { skipped: { ...meta, reason: 'no run has eval/megaface.json' } };
  return {
    figure: {
      ...meta,
      caption: 'MegaFace Challenge 1 rank-1 identification rate at each gallery size, mean over seeds; from eval/megaface.json "identification".',
      spec: curveChart({
        title: meta.title,
        values,
        x: { field: 'distractors', title: 'Number of distractors (log scale)', log: true, format: '~s' },
        y: { field: 'rate', title: 'Rank-1 identification rate (%)', percent: true },
        colors,
        lines: 'mean',
        points: true,
      }),
    },
  };
}

/** Cumulative match characteristic at the largest gallery size, mean over seeds per loss. */
export function megafaceCmcFigure(data: SweepData, colors: VariantColors): FigureOutcome {
  const size = largestMegafaceSize(data);
  const label = size === null ? '' : ` @${distractorLabel(size)}`;
  const meta = { name: 'megaface-cmc', title: `MegaFace CMC${label} distractors` };
  const values = data.runs.flatMap((run) =>
    (run.eval.megaface?.cmc?.[String(size)] ?? []).map((rate, i) => ({ variant: run.variant, run: run.name, seed: run.seed, rank: i + 1, rate })),
  );
  if (values.length === 0) return { skipped: { ...meta, reason: 'no run has a CMC in eval/megaface.json' } };
  return {
    figure: {
      ...meta,
      caption: `Identification rate at ranks 1…R with ${size} distractors, mean over seeds; from eval/megaface.json "cmc".`,
      spec: curveChart({
        title: meta.title,
        values,
        x: { field: 'rank', title: 'Rank', format: 'd' },
        y: { field: 'rate', title: 'Identification rate (%)', percent: true },
        colors,
        lines: 'mean',
        points: true,
      }),
    },
  };
}
