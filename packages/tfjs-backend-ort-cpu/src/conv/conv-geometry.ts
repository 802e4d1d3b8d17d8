import { backend_util, type Conv2DBackpropInputAttrs } from '@tensorflow/tfjs';

/**
 * A 2-D convolution's geometry as ONNX wants it, derived from tfjs's own Conv2DInfo so both backends agree on
 * output size and padding for 'same', 'valid', explicit pads and dimRoundingMode.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  /**
   * Bottom/right padding that makes ONNX's floor((in + pads - effectiveFilter) / stride) + 1 equal tfjs's
   * output size: rows tfjs never reads (valid padding with a remainder) are left out, rows 'ceil' rounding
   * reads beyond the input are zeros.
   */
  padBottom: number;
  padRight: number;
  channelsFirst: boolean;
}

export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry {
  const effH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const effW = (info.filterWidth - 1) * info.dilationWidth + 1;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop,
    padLeft,
    padBottom: Math.max(0, (info.outHeight - 1) * info.strideHeight + effH - info.inHeight - padTop),
    padRight: Math.max(0, (info.outWidth - 1) * info.strideWidth + effW - info.inWidth - padLeft),
    channelsFirst: info.dataFormat === 'channelsFirst',
  };
}

/**
 * False for the geometries where tfjs's output size disagrees with its own padding: with a numeric pad tfjs
 * sizes both spatial axes with the height stride. ONNX cannot express that, so those run on the reference.
 */
export function onnxExpressible(g: ConvGeometry): boolean {
  const effH = (g.filterHeight - 1) * g.dilationHeight + 1;
  const effW = (g.filterWidth - 1) * g.dilationWidth + 1;
  const onnxHeight = Math.floor((g.inHeight + g.padTop + g.padBottom - effH) / g.strideHeight) + 1;
  const onnxWidth = Math.floor((g.inWidth + g.padLeft + g.padRight - effW) / g.strideWidth) + 1;
  return onnxHeight === g.outHeight && onnxWidth === g.outWidth;
}

export function geometryKey(g: ConvGeometry): string {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
    g.padTop, g.padLeft, g.padBottom, g.padRight, g.channelsFirst ? 'nchw' : 'nhwc',
  ].join(',');
}

export function inputShapeOf(g: ConvGeometry): number[] {
  return g.channelsFirst ? [g.batch, g.inChannels, g.inHeight, g.inWidth] : [g.batch, g.inHeight, g.inWidth, g.inChannels];
}

export function outputShapeOf(g: ConvGeometry): number[] {
  return g.channelsFirst
    ? [g.batch, g.outChannels, g.outHeight, g.outWidth]
    : [g.batch, g.outHeight, g.outWidth, g.outChannels];
}

export function filterShapeOf(g: ConvGeometry): number[] {
  return [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
/** tfjs filters are [height, width, in, out]; ONNX Conv weights are [out, in, height, width]. */
export const HWIO_TO_OIHW = [3, 2, 0, 1];

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The geometry of a convolution-gradient kernel, or null where the reference kernel must run instead: ONNX cannot
 * express it, or dy disagrees with the geometry tfjs recomputes (tfjs's conv2d gradient drops dimRoundingMode, and
 * the reference kernel defines what happens then).
 */
export function backpropGeometry(
  inputShape: readonly number[],
  filterShape: readonly number[],
  dyShape: readonly number[],
  attrs: Pick<Conv2DBackpropInputAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'dataFormat'>,
): ConvGeometry | null {
  const info = backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const g = convGeometry(info);
  return onnxExpressible(g) && sameShape(dyShape, outputShapeOf(g)) ? g : null;
}
