import { type Conv2DBackpropInputAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, int64Constant } from '../onnx/graph-values.js';
import {
  backpropGeometry, HWIO_TO_OIHW, NCHW_TO_NHWC, NHWC_TO_NCHW, filterShapeOf, geometryKey, inputShapeOf, outputShapeOf, type ConvGeometry,
} from '../conv/conv-geometry.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { nchwcConvNodes, nchwcEligible } from '../conv/nchwc-conv.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/**
 * Conv2DBackpropInput (the gradient of a convolution with respect to its input). With stride 1 it is a plain
 * convolution of dy with the spatially flipped, in/out-swapped filter: on the NCHWc kernels where the channels
 * are whole blocks (nchwc-conv.ts), else on ORT's Conv. With larger strides it is ORT's ConvTranspose (GEMM +
 * col2im), whose pads and output_padding are chosen so its output has exactly tfjs's input shape.
 */

/** Padding of the flipped-filter convolution, or undefined when some side would be negative. */
function flippedConvPads(g: ConvGeometry): [number, number, number, number] | undefined {
  if (g.strideHeight !== 1 || g.strideWidth !== 1 || g.dilationHeight !== 1 || g.dilationWidth !== 1) return undefined;
  const top = g.filterHeight - 1 - g.padTop;
  const left = g.filterWidth - 1 - g.padLeft;
  const bottom = g.inHeight - g.outHeight - top + g.filterHeight - 1;
  const right = g.inWidth - g.outWidth - left + g.filterWidth - 1;
  return [top, left, bottom, right].every((p) => p >= 0) ? [top, left, bottom, right] : undefined;
}

function flippedConvNodes(g: ConvGeometry, dy: string, pads: readonly number[]): OnnxNode[] {
  return [
    // [h, w, in, out] -> [in, out, h, w]: the forward 'in' channels are this convolution's outputs.
    { op: 'Transpose', inputs: ['filter'], outputs: ['w_iohw'], attributes: { perm: attr.ints([2, 3, 0, 1]) } },
    { op: 'Slice', inputs: ['w_iohw', 'flip_starts', 'flip_ends', 'flip_axes', 'flip_steps'], outputs: ['w_flipped'] },
    {
      op: 'Conv',
      inputs: [dy, 'w_flipped'],
      outputs: ['dx_nchw'],
      attributes: { kernel_shape: attr.ints([g.filterHeight, g.filterWidth]), pads: attr.ints(pads) },
    },
  ];
}

function convTransposeNodes(g: ConvGeometry, dy: string): OnnxNode[] {
  const effH = (g.filterHeight - 1) * g.dilationHeight + 1;
  const effW = (g.filterWidth - 1) * g.dilationWidth + 1;
  const outputPadding = [
    g.inHeight - (g.strideHeight * (g.outHeight - 1) + effH - g.padTop - g.padBottom),
    g.inWidth - (g.strideWidth * (g.outWidth - 1) + effW - g.padLeft - g.padRight),
  ];
  return [
    { op: 'Transpose', inputs: ['filter'], outputs: ['w_oihw'], attributes: { perm: attr.ints(HWIO_TO_OIHW) } },
    {
      op: 'ConvTranspose',
      inputs: [dy, 'w_oihw'],
      outputs: ['dx_nchw'],
      attributes: {
        kernel_shape: attr.ints([g.filterHeight, g.filterWidth]),
        strides: attr.ints([g.strideHeight, g.strideWidth]),
        dilations: attr.ints([g.dilationHeight, g.dilationWidth]),
        pads: attr.ints([g.padTop, g.padLeft, g.padBottom, g.padRight]),
        output_padding: attr.ints(outputPadding),
      },
    },
  ];
}

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** The stride-1 gradient as the flipped-filter convolution of dy on the NCHWc kernels, in the tensors' layout. */
function nchwcBackpropInputGraph(g: ConvGeometry, pads: readonly number[]): OnnxGraph {
  const flipped: ConvGeometry = {
    ...g,
    inHeight: g.outHeight,
    inWidth: g.outWidth,
    inChannels: g.outChannels,
    outHeight: g.inHeight,
    outWidth: g.inWidth,
    outChannels: g.inChannels,
    padTop: pads[0]!,
    padLeft: pads[1]!,
    padBottom: pads[2]!,
    padRight: pads[3]!,
  };
  const conv = nchwcConvNodes({ x: 'dy', filterHwio: 'w_flipped', y: 'dx', g: flipped, swapFilterChannels: true });
  return {
    nodes: [
      { op: 'Slice', inputs: ['filter', 'flip_starts', 'flip_ends', 'flip_axes', 'flip_steps'], outputs: ['w_flipped'] },
      ...conv.nodes,
    ],
    inputs: [float32Value('dy', outputShapeOf(g)), float32Value('filter', filterShapeOf(g))],
    outputs: [float32Value('dx', inputShapeOf(g))],
    initializers: [...flipConstants([0, 1]), ...conv.initializers],
  };
}

/** Slice operands reversing the two given axes. */
function flipConstants(axes: readonly number[]) {
  return [
    int64Constant('flip_starts', [-1, -1]),
    int64Constant('flip_ends', [-INT64_MAX, -INT64_MAX]),
    int64Constant('flip_axes', axes),
    int64Constant('flip_steps', [-1, -1]),
  ];
}

export function conv2dBackpropInputGraph(g: ConvGeometry): OnnxGraph {
  const pads = flippedConvPads(g);
  if (pads && nchwcEligible(g.outChannels, g.inChannels)) return nchwcBackpropInputGraph(g, pads);
  const nodes: OnnxNode[] = [];
  let dy = 'dy';
  if (!g.channelsFirst) {
    nodes.push({ op: 'Transpose', inputs: ['dy'], outputs: ['dy_nchw'], attributes: { perm: attr.ints(NHWC_TO_NCHW) } });
    dy = 'dy_nchw';
  }
  nodes.push(...(pads ? flippedConvNodes(g, dy, pads) : convTransposeNodes(g, dy)));
  if (g.channelsFirst) nodes.push({ op: 'Identity', inputs: ['dx_nchw'], outputs: ['dx'] });
  else nodes.push({ op: 'Transpose', inputs: ['dx_nchw'], outputs: ['dx'], attributes: { perm: attr.ints(NCHW_TO_NHWC) } });
  return {
    nodes,
    inputs: [float32Value('dy', outputShapeOf(g)), float32Value('filter', filterShapeOf(g))],
    outputs: [float32Value('dx', inputShapeOf(g))],
    initializers: pads ? flipConstants([2, 3]) : [],
  };
}

export function runConv2dBackpropInput(g: ConvGeometry, dy: Float32Array, filter: Float32Array): Float32Array {
  const session = cachedSession(`conv2d-dx|${geometryKey(g)}`, () => conv2dBackpropInputGraph(g));
  return session.run({ dy: { data: dy, dims: outputShapeOf(g) }, filter: { data: filter, dims: filterShapeOf(g) } }).dx
    .data;
}

interface BackpropInputInputs {
  dy: TensorInfo;
  filter: TensorInfo;
}

export function makeConv2dBackpropInputKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<BackpropInputInputs, Conv2DBackpropInputAttrs>): TensorInfo | TensorInfo[] => {
    const { dy, filter } = inputs;
    if (!ortEligible(backend, [dy, filter])) return reference({ inputs, backend, attrs: { ...attrs } });
    const g = backpropGeometry(attrs.inputShape, filter.shape, dy.shape, attrs);
    if (!g) return reference({ inputs, backend, attrs: { ...attrs } });
    const dx = runConv2dBackpropInput(g, float32Data(backend, dy), float32Data(backend, filter));
    return float32Output(backend, inputShapeOf(g), dx);
  };
}
