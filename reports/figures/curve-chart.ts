import type { TopLevelSpec } from 'vega-lite';
import { colorEncoding, dashEncoding, paperConfig, PLOT_HEIGHT, PLOT_WIDTH, type VariantColors } from './figure-style.js';

/** One axis of a curve chart. `percent` shows a 0–1 rate as 0–100; its title should then say (%). */
export interface CurveAxis {
  field: string;
  title: string;
  log?: boolean;
  percent?: boolean;
  /** Fixed domain, e.g. [0, 180] degrees. */
  domain?: [number, number];
  zero?: boolean;
  /** d3-format of the tick labels, e.g. '.0e' for FAR (1e-6), '~s' for counts (10k, 1M). */
  format?: string;
}

export interface CurveChart {
  title: string;
  /** One object per point, each with `variant`, `run` and `seed` beside the x and y fields. */
  values: object[];
  x: CurveAxis;
  y: CurveAxis;
  colors: VariantColors;
  /**
   * 'mean': one line per variant, the mean over seeds at each x (runs share their x values: steps, sizes, ranks);
   * 'per-run': one line per run (ROC points differ between runs, so they cannot be averaged point by point).
   */
  lines: 'mean' | 'per-run';
  /** Show the points as dots (sparse curves) or only in tooltips (dense curves). */
  points: boolean;
}

/**
 * A line chart of curves per loss, the shape of every figure in the report: consistent colours, axis titles with
 * units, log axes where asked, tooltips on every point.
 */
export function curveChart(chart: CurveChart): TopLevelSpec {
  const { x, y } = chart;
  // Percentages are computed in the spec, so the inlined data stay exactly as the run files hold them.
  const shown = (a: CurveAxis) => (a.percent ? `${a.field}Percent` : a.field);
  const xField = shown(x);
  const yField = chart.lines === 'mean' ? 'mean' : shown(y);
  const transform: object[] = [x, y]
    .filter((a) => a.percent)
    .map((a) => ({ calculate: `100 * datum[${JSON.stringify(a.field)}]`, as: shown(a) }));
  if (chart.lines === 'mean') {
    transform.push({ aggregate: [{ op: 'mean', field: shown(y), as: 'mean' }, { op: 'count', as: 'seeds' }], groupby: ['variant', xField] });
  }
  // A rate axis in exponent notation ends at 1 (printed "1", not "1e+0").
  const axisFormat = (a: CurveAxis) =>
    a.format === '.0e' ? { labelExpr: "datum.value >= 1 ? '1' : format(datum.value, '.0e')" } : a.format ? { format: a.format } : {};
  const scale = (a: CurveAxis) => ({
    ...(a.log ? { type: 'log' as const } : {}),
    ...(a.domain ? { domain: a.domain } : {}),
    ...(a.zero === undefined || a.log ? {} : { zero: a.zero }),
    ...(a.domain ? { clamp: true } : {}),
  });
  const ticks = (a: CurveAxis) => (a.log ? { values: decadesSpanning(chart.values.map((v) => (v as Record<string, unknown>)[a.field])) } : {});
  const axis = (a: CurveAxis) => ({ ...axisFormat(a), ...ticks(a), grid: true });
  const encodeX = { field: xField, type: 'quantitative' as const, title: x.title, scale: scale(x), axis: axis(x) };
  const encodeY = { field: yField, type: 'quantitative' as const, title: y.title, scale: scale(y), axis: axis(y) };
  const tooltip = [
    { field: 'variant', type: 'nominal' as const, title: 'Loss' },
    ...(chart.lines === 'per-run' ? [{ field: 'seed', type: 'nominal' as const, title: 'Seed' }, { field: 'run', type: 'nominal' as const, title: 'Run' }] : [{ field: 'seeds', type: 'quantitative' as const, title: 'Seeds' }]),
    { field: xField, type: 'quantitative' as const, title: x.title, format: '.4~g' },
    { field: yField, type: 'quantitative' as const, title: chart.lines === 'mean' ? `${y.title}, mean over seeds` : y.title, format: '.4~g' },
  ];
  const color = colorEncoding(chart.colors);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    config: paperConfig,
    data: { values: chart.values },
    transform,
    encoding: { x: encodeX, y: encodeY, color },
    layer: [
      {
        mark: { type: 'line', clip: true },
        encoding: { strokeDash: dashEncoding(chart.colors), ...(chart.lines === 'per-run' ? { detail: { field: 'run', type: 'nominal' } } : {}) },
      },
      {
        // Dense curves keep invisible points: hovering anywhere along the line still shows a tooltip.
        mark: { type: 'point', clip: Boolean(x.domain || y.domain), opacity: chart.points ? 1 : 0, size: chart.points ? 28 : 40 },
        encoding: { tooltip },
      },
    ],
  } as TopLevelSpec;
}

/** Powers of ten covering the positive values: a log axis labelled and gridded at decades only, as papers draw it. */
export function decadesSpanning(values: unknown[]): number[] {
  const positive = values.filter((v): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const low = Math.floor(Math.log10(Math.min(...positive)) + 1e-9);
  const high = Math.ceil(Math.log10(Math.max(...positive)) - 1e-9);
  // Parsed from text: 10 ** -5 is 0.000009999999999999999 in floating point, `1e-5` is exact.
  return Array.from({ length: high - low + 1 }, (_, i) => Number(`1e${low + i}`));
}
