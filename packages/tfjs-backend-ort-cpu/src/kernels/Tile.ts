import type { TensorInfo, TileAttrs } from '@tensorflow/tfjs';
import type { OnnxGraph } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, int64Constant, shapeKey } from '../onnx/graph-values.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { largeEnoughForOrt } from '../onnx/ort-size-policy.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/** Tile on ORT: BatchNorm's gradient tiles 1/σ to the full activation shape. */

export function tileShape(shape: readonly number[], reps: readonly number[]): number[] {
  return shape.map((d, i) => d * reps[i]!);
}

export function tileGraph(shape: readonly number[], reps: readonly number[]): OnnxGraph {
  return {
    nodes: [{ op: 'Tile', inputs: ['x', 'repeats'], outputs: ['y'] }],
    initializers: [int64Constant('repeats', reps)],
    inputs: [float32Value('x', shape)],
    outputs: [float32Value('y', tileShape(shape, reps))],
  };
}

export function makeTileKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ x: TensorInfo }, TileAttrs>): TensorInfo | TensorInfo[] => {
    const { x } = inputs;
    const yShape = tileShape(x.shape, attrs.reps);
    if (!ortEligible(backend, [x]) || attrs.reps.length !== x.shape.length || !largeEnoughForOrt(yShape)) {
      return reference({ inputs, backend, attrs: { ...attrs } });
    }
    const session = cachedSession(`tile|${shapeKey(x.shape)}|${attrs.reps}`, () => tileGraph(x.shape, attrs.reps));
    return float32Output(backend, yShape, session.run({ x: { data: float32Data(backend, x), dims: x.shape } }).y.data);
  };
}
