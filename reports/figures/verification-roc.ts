import type { RunRecord } from '../sweep-data.js';
import { curveChart } from './curve-chart.js';
import type { FigureOutcome } from './figure.js';
import type { VariantColors } from './figure-style.js';

interface Roc {
  fpr: number[];
  tpr: number[];
}

/** ROC points of every run that has them; FAR = 0 has no place on a log axis, so those points are left out. */
function rocValues(runs: RunRecord[], pick: (r: RunRecord) => Roc | undefined) {
  return runs.flatMap((run) => {
    const roc = pick(run);
    if (!roc || !Array.isArray(roc.fpr) || !Array.isArray(roc.tpr)) return [];
    return roc.fpr.flatMap((fpr, i) => (fpr > 0 ? [{ variant: run.variant, run: run.name, seed: run.seed, fpr, tpr: roc.tpr[i] }] : []));
  });
}

export function lfwRocFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const values = rocValues(runs, (r) => r.eval.lfw?.roc);
  const meta = { name: 'lfw-roc', title: 'LFW verification ROC' };
  if (values.length === 0) return { skipped: { ...meta, reason: 'no run has eval/lfw.json with a ROC' } };
  return {
    figure: {
      ...meta,
      caption: 'ROC on the LFW pairs (10-fold, insightface verification.py), one line per run; from eval/lfw.json "roc".',
      spec: curveChart({
        title: meta.title,
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

export function ijbcRocFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const values = rocValues(runs, (r) => r.eval.ijbc?.roc);
  const meta = { name: 'ijbc-roc', title: 'IJB-C 1:1 verification ROC' };
  if (values.length === 0) return { skipped: { ...meta, reason: 'no run has eval/ijbc.json with a ROC' } };
  return {
    figure: {
      ...meta,
      caption: 'ROC over the IJB-C template pairs, one line per run; from eval/ijbc.json "roc".',
      spec: curveChart({
        title: meta.title,
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
