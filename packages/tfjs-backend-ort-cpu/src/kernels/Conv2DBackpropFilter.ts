import { type Conv2DBackpropFilterAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxInitializer, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, int64Constant } from '../onnx/graph-values.js';
import {
  backpropGeometry, NCHW_TO_NHWC, filterShapeOf, geometryKey, inputShapeOf, outputShapeOf, type ConvGeometry,
} from '../conv/conv-geometry.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';
import { filterGradientOnRows } from '../conv/filter-gradient-rows.js';
import { rowGrid } from '../conv/row-grid.js';

/**
 * Conv2DBackpropFilter (the gradient of a convolution with respect to its filter), one GEMM per filter tap:
 * dW[kh, kw] = X_tap^T · dY, where X_tap is the strided window of the padded NHWC input that tap kh, kw reads,
 * viewed as [N·outH·outW, inC], and dY is [N·outH·outW, outC]. ONNX has no filter-gradient operator; this was
 * measured faster here than both one big im2col GEMM (im2col is 9× the input) and the "swap batch and
 * channels" convolution trick (its GEMMs are only kh·kw wide).
 *
 * Except for inputs of very few channels (a network's first layer on grey or colour images): there a tap's GEMM
 * is one to three rows tall, and one im2col GEMM over all taps, whose im2col is then small, measured several
 * times faster. And except for stride-1 NHWC convolutions, whose taps need no copies at all
 * (filter-gradient-rows.ts).
 */

/** Up to this many input channels, the filter gradient is one im2col GEMM instead of one GEMM per tap. */
const IM2COL_MAX_IN_CHANNELS = 4;

export function conv2dBackpropFilterGraph(g: ConvGeometry): OnnxGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const rows = g.batch * g.outHeight * g.outWidth;
  let x = 'x';
  let dy = 'dy';
  if (g.channelsFirst) {
    nodes.push({ op: 'Transpose', inputs: ['x'], outputs: ['x_nhwc'], attributes: { perm: attr.ints(NCHW_TO_NHWC) } });
    nodes.push({ op: 'Transpose', inputs: ['dy'], outputs: ['dy_nhwc'], attributes: { perm: attr.ints(NCHW_TO_NHWC) } });
    x = 'x_nhwc';
    dy = 'dy_nhwc';
  }
  if (g.padTop + g.padBottom + g.padLeft + g.padRight > 0) {
    initializers.push(int64Constant('pads', [0, g.padTop, g.padLeft, 0, 0, g.padBottom, g.padRight, 0]));
    nodes.push({ op: 'Pad', inputs: [x, 'pads'], outputs: ['x_padded'] });
    x = 'x_padded';
  }
  initializers.push(
    int64Constant('dy_rows_shape', [rows, g.outChannels]),
    int64Constant('x_rows_shape', [rows, g.inChannels]),
    int64Constant('tap_axes', [1, 2]),
    int64Constant('tap_steps', [g.strideHeight, g.strideWidth]),
    int64Constant('dw_shape', filterShapeOf(g)),
  );
  nodes.push({ op: 'Reshape', inputs: [dy, 'dy_rows_shape'], outputs: ['dy_rows'] });

  const im2col = g.inChannels <= IM2COL_MAX_IN_CHANNELS && g.filterHeight * g.filterWidth > 1;
  const paddedHeight = g.inHeight + g.padTop + g.padBottom;
  const paddedWidth = g.inWidth + g.padLeft + g.padRight;
  const taps: string[] = [];
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const tap = `${kh}_${kw}`;
      const top = kh * g.dilationHeight;
      const left = kw * g.dilationWidth;
      const bottom = top + (g.outHeight - 1) * g.strideHeight + 1;
      const right = left + (g.outWidth - 1) * g.strideWidth + 1;
      let window = x;
      const wholeInput = top === 0 && left === 0 && bottom === paddedHeight && right === paddedWidth && g.strideHeight === 1 && g.strideWidth === 1;
      if (!wholeInput) {
        initializers.push(int64Constant(`starts_${tap}`, [top, left]), int64Constant(`ends_${tap}`, [bottom, right]));
        nodes.push({ op: 'Slice', inputs: [x, `starts_${tap}`, `ends_${tap}`, 'tap_axes', 'tap_steps'], outputs: [`window_${tap}`] });
        window = `window_${tap}`;
      }
      if (im2col) {
        taps.push(window);
        continue;
      }
      nodes.push({ op: 'Reshape', inputs: [window, 'x_rows_shape'], outputs: [`x_rows_${tap}`] });
      nodes.push({ op: 'Gemm', inputs: [`x_rows_${tap}`, 'dy_rows'], outputs: [`dw_${tap}`], attributes: { transA: attr.int(1) } });
      taps.push(`dw_${tap}`);
    }
  }
  if (im2col) {
    // Windows side by side on the channel axis: columns in (kh, kw, inC) order, the filter's row order.
    initializers.push(int64Constant('cols_shape', [rows, taps.length * g.inChannels]));
    nodes.push({ op: 'Concat', inputs: taps, outputs: ['cols'], attributes: { axis: attr.int(3) } });
    nodes.push({ op: 'Reshape', inputs: ['cols', 'cols_shape'], outputs: ['cols_rows'] });
    nodes.push({ op: 'Gemm', inputs: ['cols_rows', 'dy_rows'], outputs: ['dw_rows'], attributes: { transA: attr.int(1) } });
  } else if (taps.length > 1) {
    nodes.push({ op: 'Concat', inputs: taps, outputs: ['dw_rows'], attributes: { axis: attr.int(0) } });
  }
  const dwRows = im2col || taps.length > 1 ? 'dw_rows' : taps[0]!;
  nodes.push({ op: 'Reshape', inputs: [dwRows, 'dw_shape'], outputs: ['dw'] });
  return {
    nodes,
    inputs: [float32Value('x', inputShapeOf(g)), float32Value('dy', outputShapeOf(g))],
    outputs: [float32Value('dw', filterShapeOf(g))],
    initializers,
  };
}

export function runConv2dBackpropFilter(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const grid = g.inChannels > IM2COL_MAX_IN_CHANNELS && g.filterHeight * g.filterWidth > 1 ? rowGrid(g) : null;
  if (grid) return filterGradientOnRows(g, grid, x, dy);
  const session = cachedSession(`conv2d-dw|${geometryKey(g)}`, () => conv2dBackpropFilterGraph(g));
  return session.run({ x: { data: x, dims: inputShapeOf(g) }, dy: { data: dy, dims: outputShapeOf(g) } }).dw.data;
}

interface BackpropFilterInputs {
  x: TensorInfo;
  dy: TensorInfo;
}

export function makeConv2dBackpropFilterKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<BackpropFilterInputs, Conv2DBackpropFilterAttrs>): TensorInfo | TensorInfo[] => {
    const { x, dy } = inputs;
    if (!ortEligible(backend, [x, dy])) return reference({ inputs, backend, attrs: { ...attrs } });
    const g = backpropGeometry(x.shape, attrs.filterShape, dy.shape, attrs);
    if (!g) return reference({ inputs, backend, attrs: { ...attrs } });
    const dw = runConv2dBackpropFilter(g, float32Data(backend, x), float32Data(backend, dy));
    return float32Output(backend, filterShapeOf(g), dw);
  };
}
