import { broadcast_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxInitializer, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { float32Scalar, float32Value, shapeKey } from '../onnx/graph-values.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import { largeEnoughForOrt } from '../onnx/ort-size-policy.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';
import { preluSimd } from '../simd/activations-simd.js';
import { repeatsAlong } from '../fused-kernels.js';

/**
 * Elementwise kernels on ORT (multi-threaded, vectorised). tfjs-backend-cpu's binary ops fall back to a
 * per-element index computation whenever shapes broadcast — BatchNorm's x·γ over [N,H,W,C] × [C] — which made
 * them the largest cost of a training step once the convolutions were fast. ONNX broadcasting is numpy's,
 * the same rule tfjs applies.
 */

interface OpGraph {
  nodes: OnnxNode[];
  initializers?: OnnxInitializer[];
}

type UnaryOp = (x: string, y: string, attrs: NamedAttrMap) => OpGraph;
type BinaryOp = (a: string, b: string, y: string) => OpGraph;

const single = (op: string) => (x: string, y: string): OpGraph => ({ nodes: [{ op, inputs: [x], outputs: [y] }] });

export const UNARY_OPS: Record<string, UnaryOp> = {
  Relu: single('Relu'),
  Sigmoid: single('Sigmoid'),
  Tanh: single('Tanh'),
  Exp: single('Exp'),
  Log: single('Log'),
  Sqrt: single('Sqrt'),
  Neg: single('Neg'),
  Abs: single('Abs'),
  Reciprocal: single('Reciprocal'),
  Elu: (x, y) => ({ nodes: [{ op: 'Elu', inputs: [x], outputs: [y], attributes: { alpha: attr.float(1) } }] }),
  Rsqrt: (x, y) => ({
    nodes: [
      { op: 'Sqrt', inputs: [x], outputs: ['sqrt'] },
      { op: 'Reciprocal', inputs: ['sqrt'], outputs: [y] },
    ],
  }),
  Square: (x, y) => ({ nodes: [{ op: 'Mul', inputs: [x, x], outputs: [y] }] }),
  Relu6: (x, y) => ({
    nodes: [{ op: 'Clip', inputs: [x, 'zero', 'six'], outputs: [y] }],
    initializers: [float32Scalar('zero', 0), float32Scalar('six', 6)],
  }),
  LeakyRelu: (x, y, attrs) => ({
    nodes: [{ op: 'LeakyRelu', inputs: [x], outputs: [y], attributes: { alpha: attr.float(attrs.alpha as number) } }],
  }),
  // tfjs: NaN stays NaN, x > 0 gives 1, anything else alpha.
  Step: (x, y, attrs) => ({
    nodes: [
      { op: 'Greater', inputs: [x, 'zero'], outputs: ['positive'] },
      { op: 'Where', inputs: ['positive', 'one', 'alpha'], outputs: ['stepped'] },
      { op: 'IsNaN', inputs: [x], outputs: ['nan'] },
      { op: 'Where', inputs: ['nan', x, 'stepped'], outputs: [y] },
    ],
    initializers: [float32Scalar('zero', 0), float32Scalar('one', 1), float32Scalar('alpha', attrs.alpha as number)],
  }),
};

const binary = (op: string): BinaryOp => (a, b, y) => ({ nodes: [{ op, inputs: [a, b], outputs: [y] }] });

export const BINARY_OPS: Record<string, BinaryOp> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Multiply: binary('Mul'),
  RealDiv: binary('Div'),
  SquaredDifference: (a, b, y) => ({
    nodes: [
      { op: 'Sub', inputs: [a, b], outputs: ['difference'] },
      { op: 'Mul', inputs: ['difference', 'difference'], outputs: [y] },
    ],
  }),
};

function attrsKey(attrs: NamedAttrMap): string {
  return Object.keys(attrs)
    .sort()
    .map((k) => `${k}=${String(attrs[k])}`)
    .join(',');
}

export function unaryGraph(kernel: string, shape: readonly number[], attrs: NamedAttrMap): OnnxGraph {
  const g = UNARY_OPS[kernel]!('x', 'y', attrs);
  return {
    nodes: g.nodes,
    initializers: g.initializers ?? [],
    inputs: [float32Value('x', shape)],
    outputs: [float32Value('y', shape)],
  };
}

export function binaryGraph(kernel: string, aShape: readonly number[], bShape: readonly number[]): OnnxGraph {
  const g = BINARY_OPS[kernel]!('a', 'b', 'y');
  const yShape = broadcast_util.assertAndGetBroadcastShape([...aShape], [...bShape]);
  return {
    nodes: g.nodes,
    initializers: g.initializers ?? [],
    inputs: [float32Value('a', aShape), float32Value('b', bShape)],
    outputs: [float32Value('y', yShape)],
  };
}

export function makeUnaryKernel(kernel: string, reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ x: TensorInfo }, NamedAttrMap>): TensorInfo | TensorInfo[] => {
    const { x } = inputs;
    if (!ortEligible(backend, [x]) || !largeEnoughForOrt(x.shape)) return reference({ inputs, backend, attrs });
    const a = attrs ?? {};
    const session = cachedSession(`unary|${kernel}|${shapeKey(x.shape)}|${attrsKey(a)}`, () => unaryGraph(kernel, x.shape, a));
    return float32Output(backend, x.shape, session.run({ x: { data: float32Data(backend, x), dims: x.shape } }).y.data);
  };
}

/**
 * Prelu(x, alpha): on the SIMD kernel where alpha repeats along x (simd/activations-simd.ts); otherwise ONNX
 * PRelu, which broadcasts alpha to x one way only, which is every case tfjs layers produce
 * (alpha [C] or [1, 1, C] against [N, H, W, C]); two-way broadcasts stay on the reference kernel.
 */
export function makePreluKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ x: TensorInfo; alpha: TensorInfo }, NamedAttrMap>): TensorInfo | TensorInfo[] => {
    const { x, alpha } = inputs;
    if (!ortEligible(backend, [x, alpha]) || !largeEnoughForOrt(x.shape)) return reference({ inputs, backend, attrs });
    const yShape = broadcast_util.assertAndGetBroadcastShape(x.shape, alpha.shape);
    if (yShape.length !== x.shape.length || yShape.some((d, i) => d !== x.shape[i])) return reference({ inputs, backend, attrs });
    const simd = repeatsAlong(alpha.shape, x.shape) ? preluSimd(float32Data(backend, x), float32Data(backend, alpha)) : null;
    if (simd) return float32Output(backend, x.shape, simd);
    const session = cachedSession(`prelu|${shapeKey(x.shape)}|${shapeKey(alpha.shape)}`, () => ({
      nodes: [{ op: 'PRelu', inputs: ['x', 'alpha'], outputs: ['y'] }],
      inputs: [float32Value('x', x.shape), float32Value('alpha', alpha.shape)],
      outputs: [float32Value('y', x.shape)],
    }));
    const y = session.run({
      x: { data: float32Data(backend, x), dims: x.shape },
      alpha: { data: float32Data(backend, alpha), dims: alpha.shape },
    }).y.data;
    return float32Output(backend, x.shape, y);
  };
}

export function makeBinaryKernel(kernel: string, reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ a: TensorInfo; b: TensorInfo }, NamedAttrMap>): TensorInfo | TensorInfo[] => {
    const { a, b } = inputs;
    if (!ortEligible(backend, [a, b])) return reference({ inputs, backend, attrs });
    const yShape = broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (!largeEnoughForOrt(yShape)) return reference({ inputs, backend, attrs });
    const session = cachedSession(`binary|${kernel}|${shapeKey(a.shape)}|${shapeKey(b.shape)}`, () =>
      binaryGraph(kernel, a.shape, b.shape),
    );
    const y = session.run({
      a: { data: float32Data(backend, a), dims: a.shape },
      b: { data: float32Data(backend, b), dims: b.shape },
    }).y.data;
    return float32Output(backend, yShape, y);
  };
}
