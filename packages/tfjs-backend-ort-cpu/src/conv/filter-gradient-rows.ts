import { attr, type OnnxGraph, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, int64Constant } from '../onnx/graph-values.js';
import { filterShapeOf, geometryKey, type ConvGeometry } from './conv-geometry.js';
import type { RowGrid } from './row-grid.js';
import { channelMajorGridSimd } from '../simd/transpose-simd.js';

/**
 * The filter gradient of a stride-1 NHWC convolution as one GEMM per filter tap on zero-copy views.
 *
 * x and dy are laid out on one grid of rows, one row per pixel holding its channels: each image row followed by
 * `gapColumns` zero pixels, each image by `gapRows` zero rows. On that grid a tap's input pixel is the output
 * pixel's row plus a constant offset, and every read that falls outside the image lands on a gap's zeros — a
 * row's left padding is the previous row's gap, the top padding the previous image's gap rows. So the tap's
 * input rows are one contiguous block of the x grid, and ORT gets them as a view of the same buffer (onnxruntime
 * reads typed-array views in place): no per-tap copy, where a strided Slice per tap copied the whole input nine
 * times.
 *
 * Each tap's product is dyᵀ · x_tap with dyᵀ written transposed while it is copied onto the grid: MLAS
 * multiplies a transposed left operand at half the speed of a plain one (45 against 92 GFLOP/s for
 * 32 × 139k × 32 here), and one transposing copy costs less than nine slow products. Measured on convnet's
 * 32×32×32 layer (batch 128): 91 → 57 ms; on IR-ResNet's 56×56×64 (batch 32): 180 → 110 ms; equal on 8×8
 * layers, where the gaps add a quarter more rows.
 *
 * One difference from the per-pixel definition, for non-finite inputs only: a tap also multiplies input pixels
 * by the zeros of dy's gaps, so an input of ±∞ turns that tap's gradient NaN where tfjs, which never forms those
 * products, gives ±∞. A training step that reaches ±∞ activations has diverged either way.
 */


/** Grow-only scratch for the grids built here: read during the (synchronous) ORT run, they never escape it. */
const scratch = { x: new Float32Array(0), dy: new Float32Array(0) };

function scratchFor(which: 'x' | 'dy', length: number): Float32Array {
  if (scratch[which].length < length) scratch[which] = new Float32Array(length);
  return scratch[which];
}

/**
 * Copies an NHWC tensor onto the grid (from `lead` pixels in), each of its rows at its own position and zeros
 * everywhere else, into `out`.
 */
function copyOntoGrid(
  src: Float32Array,
  shape: { batch: number; height: number; width: number; channels: number },
  grid: RowGrid,
  out: Float32Array,
  length: number,
): void {
  const { batch, height, width, channels } = shape;
  const rowValues = width * channels;
  let o = 0;
  const zerosUntil = (end: number) => {
    out.fill(0, o, end);
    o = end;
  };
  zerosUntil(grid.lead * channels);
  for (let n = 0; n < batch; n++) {
    const slotStart = (grid.lead + n * grid.slot) * channels;
    for (let r = 0; r < height; r++) {
      const rowStart = slotStart + r * grid.pitch * channels;
      zerosUntil(rowStart);
      out.set(src.subarray((n * height + r) * rowValues, (n * height + r + 1) * rowValues), rowStart);
      o = rowStart + rowValues;
    }
  }
  zerosUntil(length);
}

/**
 * dy on the grid (its slots only, without the lead), transposed: channel-major, [channels, batch · slot]. Four
 * channels per pass: each pass reads the row's pixels once for four output streams. (The SIMD kernel of
 * simd/transpose-simd.ts does this where it can, about three times as fast.)
 */
function copyOntoGridTransposed(dy: Float32Array, g: ConvGeometry, grid: RowGrid, out: Float32Array): Float32Array {
  const channels = g.outChannels;
  const rows = g.batch * grid.slot;
  out.fill(0, 0, channels * rows);
  for (let n = 0; n < g.batch; n++) {
    for (let r = 0; r < g.outHeight; r++) {
      const src = (n * g.outHeight + r) * g.outWidth * channels;
      const at = n * grid.slot + r * grid.pitch;
      let c = 0;
      for (; c + 4 <= channels; c += 4) {
        const o0 = c * rows + at;
        const o1 = o0 + rows;
        const o2 = o1 + rows;
        const o3 = o2 + rows;
        for (let w = 0, s = src + c; w < g.outWidth; w++, s += channels) {
          out[o0 + w] = dy[s]!;
          out[o1 + w] = dy[s + 1]!;
          out[o2 + w] = dy[s + 2]!;
          out[o3 + w] = dy[s + 3]!;
        }
      }
      for (; c < channels; c++) {
        const o = c * rows + at;
        for (let w = 0, s = src + c; w < g.outWidth; w++, s += channels) out[o + w] = dy[s]!;
      }
    }
  }
  return out;
}

function gridRowsGraph(g: ConvGeometry, grid: RowGrid): OnnxGraph {
  const rows = g.batch * grid.slot;
  const taps = grid.tapOffsets.length;
  const nodes: OnnxNode[] = [];
  const inputs = [float32Value('dy_t', [g.outChannels, rows])];
  for (let t = 0; t < taps; t++) {
    inputs.push(float32Value(`x_tap${t}`, [rows, g.inChannels]));
    nodes.push({ op: 'MatMul', inputs: ['dy_t', `x_tap${t}`], outputs: [`dw_t${t}`] });
  }
  // [taps · outC, inC] → [taps, inC, outC], which is the filter's [kh, kw, inC, outC].
  nodes.push(
    { op: 'Concat', inputs: grid.tapOffsets.map((_, t) => `dw_t${t}`), outputs: ['dw_t'], attributes: { axis: attr.int(0) } },
    { op: 'Reshape', inputs: ['dw_t', 'taps_out_in'], outputs: ['dw_tapwise_t'] },
    { op: 'Transpose', inputs: ['dw_tapwise_t'], outputs: ['dw_tapwise'], attributes: { perm: attr.ints([0, 2, 1]) } },
    { op: 'Reshape', inputs: ['dw_tapwise', 'dw_shape'], outputs: ['dw'] },
  );
  return {
    nodes,
    inputs,
    outputs: [float32Value('dw', filterShapeOf(g))],
    initializers: [int64Constant('taps_out_in', [taps, g.outChannels, g.inChannels]), int64Constant('dw_shape', filterShapeOf(g))],
  };
}

export function filterGradientOnRows(g: ConvGeometry, grid: RowGrid, x: Float32Array, dy: Float32Array): Float32Array {
  const rows = g.batch * grid.slot;
  const gridPixels = grid.lead + rows + grid.trail;
  const xGrid = scratchFor('x', gridPixels * g.inChannels);
  copyOntoGrid(x, { batch: g.batch, height: g.inHeight, width: g.inWidth, channels: g.inChannels }, grid, xGrid, gridPixels * g.inChannels);
  // dy's grid starts at grid position `lead`: its column r pairs with x grid row lead + r + offset.
  const dyGrid = channelMajorGridSimd(dy, g, grid) ?? copyOntoGridTransposed(dy, g, grid, scratchFor('dy', g.outChannels * rows));
  const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = {
    dy_t: { data: dyGrid.subarray(0, g.outChannels * rows), dims: [g.outChannels, rows] },
  };
  grid.tapOffsets.forEach((offset, t) => {
    const first = grid.lead + offset;
    feeds[`x_tap${t}`] = { data: xGrid.subarray(first * g.inChannels, (first + rows) * g.inChannels), dims: [rows, g.inChannels] };
  });
  const session = cachedSession(`conv2d-dw-rows|${geometryKey(g)}`, () => gridRowsGraph(g, grid));
  return session.run(feeds).dw.data;
}
