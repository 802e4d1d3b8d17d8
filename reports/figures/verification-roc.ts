import type { RunRecord } from '../sweep-data.js';
import type { TopLevelSpec } from 'vega-lite';
import { decadesSpanning } from './curve-chart.js';
import { colorEncoding, dashEncoding, paperConfig, PLOT_HEIGHT, PLOT_WIDTH } from './figure-style.js';
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

/** TPR at `fpr` on a ROC given as points with non-decreasing FPR: linear between its points, as the curve is drawn. */
export function tprAt(roc: Roc, fpr: number): number {
  const { fpr: xs, tpr: ys } = roc;
  if (fpr <= xs[0]!) return ys[0]!;
  for (let k = 1; k < xs.length; k++) {
    if (xs[k]! >= fpr) {
      // On a vertical step (equal FPR) the largest TPR there, as the curve reaches it.
      let j = k;
      while (j + 1 < xs.length && xs[j + 1] === xs[k] && xs[k] === fpr) j++;
      const [x0, x1, y0, y1] = [xs[k - 1]!, xs[j]!, ys[k - 1]!, ys[j]!];
      return x1 === x0 ? y1 : y0 + ((fpr - x0) * (y1 - y0)) / (x1 - x0);
    }
  }
  return ys[ys.length - 1]!;
}

/** Log-spaced FPR values from the smallest positive FPR any run measured to 1. */
function fprGrid(rocs: Roc[], points = 60): number[] {
  const smallest = Math.min(...rocs.flatMap((r) => r.fpr.filter((x) => x > 0)));
  const lo = Math.log10(smallest);
  return Array.from({ length: points }, (_, i) => 10 ** (lo + (-lo * i) / (points - 1)));
}

/**
 * One line per loss: the mean TPR over its seeds at each FPR of a common log-spaced grid (each run's ROC read
 * linearly between its points), with a band of ± one std over seeds. Runs' ROC points differ, so they are not
 * averaged point by point.
 */
function rocFigure(figure: RocFigure, runs: RunRecord[], colors: VariantColors): FigureOutcome {
  const withRoc = runs.flatMap((run) => {
    const roc = figure.pick(run);
    return roc && Array.isArray(roc.fpr) && roc.fpr.length > 1 && roc.fpr.some((x) => x > 0) ? [{ run, roc }] : [];
  });
  if (withRoc.length === 0) return { skipped: { name: figure.name, title: figure.title, reason: `no run has ${figure.source} with a ROC` } };
  const grid = fprGrid(withRoc.map((r) => r.roc));
  const variants = colors.domain.filter((v) => withRoc.some((r) => r.run.variant === v));
  const values = variants.flatMap((variant) => {
    const mine = withRoc.filter((r) => r.run.variant === variant);
    return grid.map((fpr) => {
      const tprs = mine.map((r) => tprAt(r.roc, fpr));
      const mean = tprs.reduce((a, b) => a + b, 0) / tprs.length;
      const std = Math.sqrt(tprs.reduce((a, v) => a + (v - mean) ** 2, 0) / tprs.length);
      return { variant, fpr, tpr: 100 * mean, low: 100 * Math.max(0, mean - std), high: 100 * Math.min(1, mean + std), seeds: tprs.length };
    });
  });
  const x = { field: 'fpr', type: 'quantitative' as const, title: 'False accept rate (log scale)', scale: { type: 'log' as const }, axis: { values: decadesSpanning(grid), labelExpr: "datum.value >= 1 ? '1' : format(datum.value, '.0e')", grid: true } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: figure.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    config: paperConfig,
    data: { values },
    encoding: { x, color: colorEncoding(colors) },
    layer: [
      { mark: { type: 'area', opacity: 0.15, clip: true }, encoding: { y: { field: 'low', type: 'quantitative', title: 'True accept rate (%)' }, y2: { field: 'high' } } },
      { mark: { type: 'line', clip: true }, encoding: { y: { field: 'tpr', type: 'quantitative', title: 'True accept rate (%)' }, strokeDash: dashEncoding(colors) } },
      {
        mark: { type: 'point', opacity: 0, size: 40 },
        encoding: {
          y: { field: 'tpr', type: 'quantitative' },
          tooltip: [
            { field: 'variant', type: 'nominal', title: 'Loss' },
            { field: 'seeds', type: 'quantitative', title: 'Seeds' },
            { field: 'fpr', type: 'quantitative', title: 'FAR', format: '.2e' },
            { field: 'tpr', type: 'quantitative', title: 'TAR (%), mean over seeds', format: '.2f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
  return { figure: { name: figure.name, title: figure.title, caption: `${figure.caption} Line: mean over seeds; band: ± one std over seeds.`, spec } };
}

export function lfwRocFigure(runs: RunRecord[], colors: VariantColors): FigureOutcome {
  return rocFigure(
    {
      name: 'lfw-roc',
      title: 'LFW verification ROC',
      caption: 'ROC on the LFW pairs (10-fold, insightface verification.py); from eval/lfw.json "roc".',
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
      caption: `ROC over the ${name} template pairs; from eval/${set}.json "roc".${limit}`,
      source: `eval/${set}.json`,
      pick: (r) => r.eval[set]?.roc,
    },
    runs,
    colors,
  );
}
