import type { Config } from 'vega-lite';

/**
 * The look shared by every figure: sized for one column of a two-column paper (≈3.3 in: 360 px of plot at
 * 11 px labels prints near 8 pt), a serif-free font every renderer has, light grid, white background.
 */
export const PLOT_WIDTH = 360;
export const PLOT_HEIGHT = 240;
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export const paperConfig: Config = {
  background: 'white',
  font: FONT,
  padding: 8,
  view: { stroke: '#444', strokeWidth: 0.8 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    domainColor: '#444',
    tickColor: '#444',
    labelColor: '#222',
    titleColor: '#222',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', symbolStrokeWidth: 2, labelLimit: 220 },
  title: { fontSize: 13, fontWeight: 'normal', anchor: 'start', color: '#222' },
  line: { strokeWidth: 1.8 },
  point: { size: 28, filled: true },
};

/** matplotlib's default cycle, then Tableau's lighter tones: the colours readers know from papers. */
const PALETTE = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5',
];

/**
 * One colour per loss variant, fixed by the leaderboard's row order, used by every figure: the same loss has the
 * same colour everywhere, including figures where other variants have no data.
 */
export interface VariantColors {
  domain: string[];
  range: string[];
  /** A dash pattern per variant too: lines that coincide (CosFace and ArcFace both at s = 64) stay tellable apart, also in greyscale print. */
  dashes: number[][];
}

const DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [12, 4], [3, 5]];

export function variantColors(variants: readonly string[]): VariantColors {
  return {
    domain: [...variants],
    range: variants.map((_, i) => PALETTE[i % PALETTE.length]),
    dashes: variants.map((_, i) => DASHES[Math.floor(i / 2) % DASHES.length]),
  };
}

const legend = { orient: 'bottom' as const, columns: 2, symbolType: 'stroke' as const, symbolSize: 300 };

/** The colour encoding every figure uses for the `variant` field. */
export function colorEncoding(colors: VariantColors) {
  return { field: 'variant', type: 'nominal' as const, title: 'Loss', scale: { domain: colors.domain, range: colors.range }, legend };
}

/** The dash encoding of line marks; same field and title as the colour, so Vega-Lite draws one merged legend. */
export function dashEncoding(colors: VariantColors) {
  return { field: 'variant', type: 'nominal' as const, title: 'Loss', scale: { domain: colors.domain, range: colors.dashes }, legend };
}
