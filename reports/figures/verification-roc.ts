import type { RunRecord } from '../sweep-data.js';
import { curveChart } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

interface Roc {
  fpr: number[];
  tpr: number[];
}

interface RocFigure {
  name: string;
  title: string;
  caption: string;
  /** Which eval file the ROC comes from, for the note when no run has one. */
  source: string;
  pick(run: RunRecord): Roc | undefined;
}

/** ROC points of every run that has them; FAR = 0 has no place on a log axis, so those points are left out. */
function rocValues(runs: RunRecord[], pick: RocFigure['pick']) {
  return runs.flatMap((run) => {
    const roc = pick(run);
    if (!roc || !Array.isArray(roc.fpr) || !Array.isArray(roc.tpr)) return [];
    return roc.fpr.flatMap((fpr, i) => (fpr > 0 ? [{ variant: run.variant, run: run.name, seed: run.seed, fpr, tpr: roc.tpr[i] }] : []));
  });
}

/** TAR against FAR on a log axis, one line per run (ROC points differ between runs, so they are not averaged). */
function rocFigure(figure: RocFigure, runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const values = rocValues(runs, figure.pick);
  if (values.length === 0) return { skipped: { name: figure.name, title: figure.title, reason: `no run has ${figure.source} with a ROC` } };
  return {
    figure: {
      name: figure.name,
      title: figure.title,
      caption: figure.caption,
      spec: curveChart({
        title: figure.title,
        values,
        x: { field: 'fpr', title: 'False accept rate (log scale)', log: true, format: '.0e' },
        y: { field: 'tpr', title: 'True accept rate (%)', percent: true },
        colors,
        lines: 'per-run',
        points: false,
      }),
    },
  };
}

export function lfwRocFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  return rocFigure(
    {
      name: 'lfw-roc',
      title: 'LFW verification ROC',
      caption: 'ROC on the LFW pairs (10-fold, insightface verification.py), one line per run; from eval/lfw.json "roc".',
      source: 'eval/lfw.json',
      pick: (r) => r.eval.lfw?.roc,
    },
    runs,
    colors,
  );
}

export function ijbcRocFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  return rocFigure(
    {
      name: 'ijbc-roc',
      title: 'IJB-C 1:1 verification ROC',
      caption: 'ROC over the IJB-C template pairs, one line per run; from eval/ijbc.json "roc".',
      source: 'eval/ijbc.json',
      pick: (r) => r.eval.ijbc?.roc,
    },
    runs,
    colors,
  );
}
