import type { ConvGeometry } from './conv-geometry.js';

/** The shared grid of x and dy rows for a convolution, or null where this path does not apply. */
export interface RowGrid {
  /** Pixels per grid row: the image width plus the gap. */
  pitch: number;
  /** Pixels per image slot: (height + gap rows) · pitch. */
  slot: number;
  /** Zero pixels before the first image, so that the most negative tap offset stays inside the buffer. */
  lead: number;
  /** Pixels after the last slot, for the most positive tap offset. */
  trail: number;
  gapColumns: number;
  gapRows: number;
  /** Grid offset of each tap's input pixel from its output pixel, in the filter's (kh, kw) order. */
  tapOffsets: number[];
}

export function rowGrid(g: ConvGeometry): RowGrid | null {
  if (g.channelsFirst || g.strideHeight !== 1 || g.strideWidth !== 1) return null;
  const gapColumns = Math.max(g.padLeft, g.padRight);
  const gapRows = Math.max(g.padTop, g.padBottom);
  // dy's pixels sit on the same grid at their output position, so the output must fit in an image slot.
  if (g.outHeight > g.inHeight + gapRows || g.outWidth > g.inWidth + gapColumns) return null;
  const pitch = g.inWidth + gapColumns;
  const tapOffsets: number[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      tapOffsets.push((kh * g.dilationHeight - g.padTop) * pitch + kw * g.dilationWidth - g.padLeft);
    }
  }
  const slot = (g.inHeight + gapRows) * pitch;
  return {
    pitch,
    slot,
    lead: Math.max(0, -Math.min(...tapOffsets)),
    trail: Math.max(0, ...tapOffsets),
    gapColumns,
    gapRows,
    tapOffsets,
  };
}
