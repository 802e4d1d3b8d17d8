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

/** The IJB-B or IJB-C ROC; its caption says from where on the FAR axis the set can measure at all. */
export function ijbRocFigure(set: 'ijbb' | 'ijbc', runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const name = set === 'ijbb' ? 'IJB-B' : 'IJB-C';
  const impostors = runs.map((r) => r.eval[set]?.counts?.impostor).filter((n): n is number => typeof n === 'number');
  const limit = impostors.length
    ? ` The smallest measurable FAR is one impostor pair: 1/${Math.min(...impostors).toLocaleString('en-US')} on this set; targets below it (marked † in the tables) are not measurements.`
    : '';
  return rocFigure(
    {
      name: `${set}-roc`,
      title: `${name} 1:1 verification ROC`,
      caption: `ROC over the ${name} template pairs, one line per run; from eval/${set}.json "roc".${limit}`,
      source: `eval/${set}.json`,
      pick: (r) => r.eval[set]?.roc,
    },
    runs,
    colors,
  );
}
