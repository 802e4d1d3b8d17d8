import type { TopLevelSpec } from 'vega-lite';

/** One figure of the report: a Vega-Lite spec with its data inlined, rendered to .vl.json, .svg and .png. */
export interface Figure {
  /** File stem, e.g. 'lfw-roc'. */
  name: string;
  title: string;
  /** What the figure shows and where its numbers come from, printed under it in index.html. */
  caption: string;
  spec: TopLevelSpec;
}

/** A figure that could not be drawn from this sweep's files, and why (shown in the report instead of it). */
export interface SkippedFigure {
  name: string;
  title: string;
  reason: string;
}

export type FigureOutcome = { figure: Figure } | { skipped: SkippedFigure };
