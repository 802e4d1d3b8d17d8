import { util, type FusedBatchNormAttrs, type TensorInfo } from '@tensorflow/tfjs';
import type { OnnxGraph, OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Scalar, float32Value, shapeKey } from '../onnx/graph-values.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { largeEnoughForOrt } from '../onnx/ort-size-policy.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/**
 * FusedBatchNorm (inference form, also the forward of training-mode BN once the moments are known):
 * y = (x − mean) · scale / √(variance + ε) + offset, the per-channel factors computed once on [C] and then
 * broadcast over x's last axis. ONNX BatchNormalization would want channels on axis 1, hence plain ops.
 */

interface BatchNormInputs {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  offset?: TensorInfo;
  scale?: TensorInfo;
}

const PARAMS = ['mean', 'variance', 'offset', 'scale'] as const;
type ParamName = (typeof PARAMS)[number];

export function batchNormGraph(xShape: readonly number[], channels: number, present: ReadonlySet<ParamName>, epsilon: number): OnnxGraph {
  const nodes: OnnxNode[] = [
    { op: 'Add', inputs: ['variance', 'epsilon'], outputs: ['variance_eps'] },
    { op: 'Sqrt', inputs: ['variance_eps'], outputs: ['sigma'] },
    { op: 'Reciprocal', inputs: ['sigma'], outputs: ['inv_sigma'] },
  ];
  let factor = 'inv_sigma';
  if (present.has('scale')) {
    nodes.push({ op: 'Mul', inputs: ['inv_sigma', 'scale'], outputs: ['factor'] });
    factor = 'factor';
  }
  nodes.push({ op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'] });
  nodes.push({ op: 'Mul', inputs: ['centred', factor], outputs: present.has('offset') ? ['scaled'] : ['y'] });
  if (present.has('offset')) nodes.push({ op: 'Add', inputs: ['scaled', 'offset'], outputs: ['y'] });
  return {
    nodes,
    initializers: [float32Scalar('epsilon', epsilon)],
    inputs: [float32Value('x', xShape), ...PARAMS.filter((p) => present.has(p)).map((p) => float32Value(p, [channels]))],
    outputs: [float32Value('y', xShape)],
  };
}

export function makeBatchNormKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<BatchNormInputs, FusedBatchNormAttrs>): TensorInfo | TensorInfo[] => {
    const { x } = inputs;
    const channels = x.shape[x.shape.length - 1] ?? 0;
    const params = PARAMS.filter((p) => inputs[p] !== undefined);
    // tfjs cycles each parameter along x's flat index; with exactly C values that is numpy broadcasting on the
    // last axis. Anything else (full-size or scalar parameters) stays on the reference kernel.
    const perChannel = params.every((p) => util.sizeFromShape(inputs[p]!.shape) === channels);
    if (!ortEligible(backend, [x, ...params.map((p) => inputs[p])]) || !perChannel || !largeEnoughForOrt(x.shape)) {
      return reference({ inputs, backend, attrs: { ...attrs } });
    }
    const epsilon = attrs.varianceEpsilon ?? 0.001;
    const present = new Set(params);
    const session = cachedSession(`batchnorm|${shapeKey(x.shape)}|${params}|${epsilon}`, () =>
      batchNormGraph(x.shape, channels, present, epsilon),
    );
    const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = { x: { data: float32Data(backend, x), dims: x.shape } };
    for (const p of params) feeds[p] = { data: float32Data(backend, inputs[p]!), dims: [channels] };
    return float32Output(backend, x.shape, session.run(feeds).y.data);
  };
}
