import { backend_util, type Conv2DAttrs, type FusedConv2DAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { BIAS_INPUT, PRELU_INPUT, epilogueGraph, epilogueKey, type EpilogueSpec } from '../conv/fused-epilogue.js';
import { float32Value } from '../onnx/graph-values.js';
import {
  HWIO_TO_OIHW, NCHW_TO_NHWC, NHWC_TO_NCHW, convGeometry, filterShapeOf, onnxExpressible, geometryKey, inputShapeOf, outputShapeOf,
  type ConvGeometry,
} from '../conv/conv-geometry.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { nchwcConvNodes, nchwcEligible } from '../conv/nchwc-conv.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/**
 * Conv2D and FusedConv2D on ORT. Where both channel counts are whole NCHWc blocks (nchwc-conv.ts), on MLAS's
 * blocked direct convolution, reading and writing the tensors' own layout; otherwise on ORT's Conv, which
 * convolves NCHW only, so NHWC tensors are transposed in and out inside the same graph.
 */

export function convAttributes(g: ConvGeometry) {
  return {
    kernel_shape: attr.ints([g.filterHeight, g.filterWidth]),
    strides: attr.ints([g.strideHeight, g.strideWidth]),
    dilations: attr.ints([g.dilationHeight, g.dilationWidth]),
    pads: attr.ints([g.padTop, g.padLeft, g.padBottom, g.padRight]),
  };
}

/** Bias and activation operands that are per-channel (or scalar) can be applied before transposing back. */
function epilogueIsPerChannel(spec: EpilogueSpec): boolean {
  return (spec.biasShape?.length ?? 0) <= 1 && (spec.preluShape?.length ?? 0) <= 1;
}

function nchwcConv2dGraph(g: ConvGeometry, epilogue: EpilogueSpec): OnnxGraph {
  const conv = nchwcConvNodes({ x: 'x', filterHwio: 'filter', y: 'conv', g });
  const epi = epilogueGraph('conv', 'y', { ...epilogue, channelsFirst: g.channelsFirst });
  return {
    nodes: [...conv.nodes, ...epi.nodes],
    inputs: [float32Value('x', inputShapeOf(g)), float32Value('filter', filterShapeOf(g)), ...epi.inputs],
    outputs: [float32Value('y', outputShapeOf(g))],
    initializers: [...conv.initializers, ...epi.initializers],
  };
}

export function conv2dGraph(g: ConvGeometry, epilogue: EpilogueSpec): OnnxGraph {
  if (nchwcEligible(g.inChannels, g.outChannels)) return nchwcConv2dGraph(g, epilogue);
  const nodes: OnnxNode[] = [];
  let x = 'x';
  if (!g.channelsFirst) {
    nodes.push({ op: 'Transpose', inputs: ['x'], outputs: ['x_nchw'], attributes: { perm: attr.ints(NHWC_TO_NCHW) } });
    x = 'x_nchw';
  }
  nodes.push({ op: 'Transpose', inputs: ['filter'], outputs: ['w_oihw'], attributes: { perm: attr.ints(HWIO_TO_OIHW) } });
  nodes.push({ op: 'Conv', inputs: [x, 'w_oihw'], outputs: ['conv'], attributes: convAttributes(g) });

  const beforeTranspose = g.channelsFirst || epilogueIsPerChannel(epilogue);
  const epi = beforeTranspose
    ? epilogueGraph('conv', g.channelsFirst ? 'y' : 'y_nchw', { ...epilogue, channelsFirst: true })
    : undefined;
  if (epi) nodes.push(...epi.nodes);
  if (!g.channelsFirst) {
    const from = epi ? 'y_nchw' : 'conv';
    const to = epi ? 'y' : 'conv_nhwc';
    nodes.push({ op: 'Transpose', inputs: [from], outputs: [to], attributes: { perm: attr.ints(NCHW_TO_NHWC) } });
  }
  const lateEpi = epi ? undefined : epilogueGraph('conv_nhwc', 'y', epilogue);
  if (lateEpi) nodes.push(...lateEpi.nodes);
  const used = epi ?? lateEpi!;
  return {
    nodes,
    inputs: [float32Value('x', inputShapeOf(g)), float32Value('filter', filterShapeOf(g)), ...used.inputs],
    outputs: [float32Value('y', outputShapeOf(g))],
    initializers: used.initializers,
  };
}

export interface ConvOperands {
  x: Float32Array;
  filter: Float32Array;
  bias?: Float32Array;
  prelu?: Float32Array;
}

export function runConv2d(g: ConvGeometry, epilogue: EpilogueSpec, operands: ConvOperands): Float32Array {
  const session = cachedSession(`conv2d|${geometryKey(g)}|${epilogueKey(epilogue)}`, () => conv2dGraph(g, epilogue));
  const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = {
    x: { data: operands.x, dims: inputShapeOf(g) },
    filter: { data: operands.filter, dims: filterShapeOf(g) },
  };
  if (operands.bias && epilogue.biasShape) feeds[BIAS_INPUT] = { data: operands.bias, dims: epilogue.biasShape };
  if (operands.prelu && epilogue.preluShape) feeds[PRELU_INPUT] = { data: operands.prelu, dims: epilogue.preluShape };
  return session.run(feeds).y.data;
}

interface ConvInputs {
  x: TensorInfo;
  filter: TensorInfo;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}

function geometryFor(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): ConvGeometry {
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  return convGeometry(info);
}

export function makeConv2dKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<ConvInputs, Conv2DAttrs>): TensorInfo | TensorInfo[] => {
    const { x, filter } = inputs;
    if (!ortEligible(backend, [x, filter])) return reference({ inputs, backend, attrs: { ...attrs } });
    const g = geometryFor(x, filter, attrs);
    if (!onnxExpressible(g)) return reference({ inputs, backend, attrs: { ...attrs } });
    const y = runConv2d(g, {}, { x: float32Data(backend, x), filter: float32Data(backend, filter) });
    return float32Output(backend, outputShapeOf(g), y);
  };
}

export function makeFusedConv2dKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<ConvInputs, FusedConv2DAttrs>): TensorInfo | TensorInfo[] => {
    const { x, filter, bias, preluActivationWeights: prelu } = inputs;
    if (!ortEligible(backend, [x, filter, bias, prelu])) return reference({ inputs, backend, attrs: { ...attrs } });
    const g = geometryFor(x, filter, attrs);
    if (!onnxExpressible(g)) return reference({ inputs, backend, attrs: { ...attrs } });
    const epilogue: EpilogueSpec = {
      biasShape: bias?.shape,
      activation: attrs.activation,
      preluShape: prelu?.shape,
      leakyreluAlpha: attrs.leakyreluAlpha,
    };
    const y = runConv2d(g, epilogue, {
      x: float32Data(backend, x),
      filter: float32Data(backend, filter),
      bias: bias ? float32Data(backend, bias) : undefined,
      prelu: prelu ? float32Data(backend, prelu) : undefined,
    });
    return float32Output(backend, outputShapeOf(g), y);
  };
}
