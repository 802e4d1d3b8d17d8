import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Value, int64Constant, shapeKey } from '../onnx/graph-values.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { largeEnoughForOrt } from '../onnx/ort-size-policy.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/**
 * Sum / Mean / Max / Min over any axes on ORT. tfjs-backend-cpu first transposes the reduced axes to the end
 * (a full copy through per-element index arithmetic) and then loops; ORT reduces in place on all cores.
 */

const ONNX_REDUCE: Record<string, string> = { Sum: 'ReduceSum', Mean: 'ReduceMean', Max: 'ReduceMax', Min: 'ReduceMin' };

export const REDUCTION_KERNELS: readonly string[] = Object.keys(ONNX_REDUCE);

export function reductionGraph(kernel: string, shape: readonly number[], axes: readonly number[], keepDims: boolean): OnnxGraph {
  const op = ONNX_REDUCE[kernel]!;
  const [outShape] = backend_util.computeOutAndReduceShapes([...shape], [...axes]);
  const yShape = keepDims ? backend_util.expandShapeToKeepDim(outShape, [...axes]) : outShape;
  // Opset 17: ReduceSum takes its axes as an input, the other reductions as an attribute.
  const node: OnnxNode =
    op === 'ReduceSum'
      ? { op, inputs: ['x', 'axes'], outputs: ['y'], attributes: { keepdims: attr.int(keepDims ? 1 : 0) } }
      : { op, inputs: ['x'], outputs: ['y'], attributes: { axes: attr.ints(axes), keepdims: attr.int(keepDims ? 1 : 0) } };
  return {
    nodes: [node],
    initializers: op === 'ReduceSum' ? [int64Constant('axes', axes)] : [],
    inputs: [float32Value('x', shape)],
    outputs: [float32Value('y', yShape)],
  };
}

/** Sum, Mean and Min name their axes `axis`; Max names them `reductionIndices`. */
interface ReductionAttrs {
  axis?: number | number[];
  reductionIndices?: number | number[];
  keepDims: boolean;
}

export function makeReductionKernel(kernel: string, reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ x: TensorInfo }, ReductionAttrs>): TensorInfo | TensorInfo[] => {
    const { x } = inputs;
    const axes = util.parseAxisParam(attrs.axis ?? attrs.reductionIndices ?? [], x.shape).sort((p, q) => p - q);
    if (!ortEligible(backend, [x]) || !largeEnoughForOrt(x.shape) || axes.length === 0) {
      return reference({ inputs, backend, attrs: { ...attrs } });
    }
    const session = cachedSession(`reduce|${kernel}|${shapeKey(x.shape)}|${axes}|${attrs.keepDims}`, () =>
      reductionGraph(kernel, x.shape, axes, attrs.keepDims),
    );
    const y = session.run({ x: { data: float32Data(backend, x), dims: x.shape } }).y;
    return float32Output(backend, y.dims, y.data);
  };
}
