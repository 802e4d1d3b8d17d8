import { attr, encodeOnnxModel, type OnnxGraph, type OnnxInitializer, type OnnxNode } from '../onnx/onnx-model.js';
import { OrtSession } from '../onnx/ort-runtime.js';
import { float32Value, int64Constant } from '../onnx/graph-values.js';
import type { ConvGeometry } from './conv-geometry.js';

/**
 * Convolution on MLAS's NCHWc kernels (ONNX Runtime's "com.microsoft.nchwc" operators): activations in blocks of
 * 8 (AVX2) or 16 (AVX-512) channels, a direct convolution over them, and reorders in and out that read and write
 * NHWC (or NCHW) directly. ORT rewrites a Conv into these only when its filter is a constant, as in an inference
 * model; a training step's filter changes every step, so these graphs name the blocked operators themselves and
 * reorder the filter inside the graph. Measured here on 32–128-channel 3×3 layers: 1.3–2× ORT's Conv with the
 * NHWC↔NCHW transposes around it. Used where both channel counts are whole blocks; otherwise callers keep Conv.
 */

const NCHWC_DOMAIN = 'com.microsoft.nchwc';

let blockSize: number | undefined;

/** Runs `graph` once on zeros of the given input shape; returns its output's dims. */
function probe(graph: OnnxGraph, input: readonly number[]): readonly number[] {
  const session = new OrtSession(encodeOnnxModel(graph), ['y']);
  try {
    const size = input.reduce((p, d) => p * d, 1);
    return session.run({ x: { data: new Float32Array(size), dims: input } }).y.dims;
  } finally {
    session.dispose();
  }
}

/** A 1×1 convolution of one pixel with `channels` in and out, on the blocked kernels. */
function probeConvolution(channels: number): OnnxGraph {
  const g: ConvGeometry = {
    batch: 1, inHeight: 1, inWidth: 1, inChannels: channels, outHeight: 1, outWidth: 1, outChannels: channels,
    filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, channelsFirst: false,
  };
  const conv = nchwcConvNodes({ x: 'x', filterHwio: 'filter', y: 'y', g });
  return {
    nodes: conv.nodes,
    inputs: [float32Value('x', [1, 1, 1, channels])],
    outputs: [float32Value('y', [1, 1, 1, channels])],
    initializers: [...conv.initializers, { name: 'filter', type: 'float32', shape: [1, 1, channels, channels], values: new Array<number>(channels * channels).fill(0) }],
  };
}

/**
 * Channels per NCHWc block on this CPU, found by reordering a four-channel tensor (the smallest it accepts; the
 * output has the channels padded to one block) and confirmed by running one blocked convolution; 0 where this
 * onnxruntime build lacks the NCHWc operators.
 */
export function nchwcBlockSize(): number {
  if (blockSize !== undefined) return blockSize;
  try {
    const reorder: OnnxGraph = {
      nodes: [{ op: 'ReorderInput', domain: NCHWC_DOMAIN, inputs: ['x'], outputs: ['y'] }],
      inputs: [float32Value('x', [1, 4, 1, 1])],
      outputs: [float32Value('y', [])],
    };
    const padded = probe(reorder, [1, 4, 1, 1])[1] ?? 0;
    // Set before the convolution probe, whose graph builder asks for it.
    blockSize = padded >= 4 ? padded : 0;
    if (blockSize > 0) probe(probeConvolution(blockSize), [1, 1, 1, blockSize]);
  } catch {
    blockSize = 0;
  }
  return blockSize;
}

/** Whether a convolution from `inChannels` to `outChannels` runs on the NCHWc kernels here. */
export function nchwcEligible(inChannels: number, outChannels: number): boolean {
  const b = nchwcBlockSize();
  return b > 0 && inChannels % b === 0 && outChannels % b === 0;
}

export interface NchwcConvSpec {
  /** Graph value names: the activation in, the filter in tfjs's [h, w, in, out] layout, the activation out. */
  x: string;
  filterHwio: string;
  y: string;
  /** The convolution as NCHWc computes it (its in/out channels may be the tfjs filter's swapped). */
  g: ConvGeometry;
  /**
   * The filter given is the forward filter of a convolution whose gradient this is: its in and out channels
   * swap roles (tfjs's [h, w, in, out] is read as [h, w, out, in]).
   */
  swapFilterChannels?: boolean;
}

/**
 * Nodes computing `y` = conv(`x`, filter) in the tensors' own layout (g.channelsFirst), all inside one graph:
 * the filter reordered to OIHWBiBo (blocks of output channels, of input channels, the kernel window, then an
 * input × output block), the activation reordered to NCHWc, the blocked convolution, and the reorder back.
 */
export function nchwcConvNodes(spec: NchwcConvSpec): { nodes: OnnxNode[]; initializers: OnnxInitializer[] } {
  const { g } = spec;
  const b = nchwcBlockSize();
  const kh = g.filterHeight;
  const kw = g.filterWidth;
  // The filter as [kh, kw, tfjs-in blocks, b, tfjs-out blocks, b]; MLAS wants [out blocks, in blocks, kh, kw, b_in, b_out].
  const [tfjsIn, tfjsOut] = spec.swapFilterChannels ? [g.outChannels, g.inChannels] : [g.inChannels, g.outChannels];
  const perm = spec.swapFilterChannels ? [2, 4, 0, 1, 5, 3] : [4, 2, 0, 1, 3, 5];
  const channelsLast = attr.int(g.channelsFirst ? 0 : 1);
  return {
    initializers: [
      int64Constant(`${spec.y}_w_blocks_shape`, [kh, kw, tfjsIn / b, b, tfjsOut / b, b]),
      int64Constant(`${spec.y}_w_oihw_shape`, [g.outChannels, g.inChannels, kh, kw]),
    ],
    nodes: [
      { op: 'Reshape', inputs: [spec.filterHwio, `${spec.y}_w_blocks_shape`], outputs: [`${spec.y}_w_blocks`] },
      { op: 'Transpose', inputs: [`${spec.y}_w_blocks`], outputs: [`${spec.y}_w_reordered`], attributes: { perm: attr.ints(perm) } },
      { op: 'Reshape', inputs: [`${spec.y}_w_reordered`, `${spec.y}_w_oihw_shape`], outputs: [`${spec.y}_w_nchwc`] },
      { op: 'ReorderInput', domain: NCHWC_DOMAIN, inputs: [spec.x], outputs: [`${spec.y}_x_nchwc`], attributes: { channels_last: channelsLast } },
      {
        op: 'Conv',
        domain: NCHWC_DOMAIN,
        inputs: [`${spec.y}_x_nchwc`, `${spec.y}_w_nchwc`],
        outputs: [`${spec.y}_nchwc`],
        attributes: {
          kernel_shape: attr.ints([kh, kw]),
          strides: attr.ints([g.strideHeight, g.strideWidth]),
          dilations: attr.ints([g.dilationHeight, g.dilationWidth]),
          pads: attr.ints([g.padTop, g.padLeft, g.padBottom, g.padRight]),
        },
      },
      {
        op: 'ReorderOutput',
        domain: NCHWC_DOMAIN,
        inputs: [`${spec.y}_nchwc`],
        outputs: [spec.y],
        attributes: { channels_last: channelsLast, channels: attr.int(g.outChannels) },
      },
    ],
  };
}
