import { broadcast_util, type BatchMatMulAttrs, type TensorInfo, type _FusedMatMulAttrs } from '@tensorflow/tfjs';
import { attr, type OnnxGraph, type OnnxNode } from '../onnx/onnx-model.js';
import { cachedSession } from '../onnx/session-cache.js';
import { BIAS_INPUT, PRELU_INPUT, epilogueGraph, epilogueKey, type EpilogueSpec } from '../conv/fused-epilogue.js';
import { float32Value, shapeKey } from '../onnx/graph-values.js';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';

/**
 * BatchMatMul and _FusedMatMul on ORT (MLAS SGEMM, multi-threaded). Rank-2 products use Gemm, whose transA /
 * transB flags read the operands in place; higher ranks use MatMul (numpy batch broadcasting, as tfjs does)
 * after transposing the last two axes where asked.
 */

export interface MatMulProblem {
  aShape: readonly number[];
  bShape: readonly number[];
  transposeA: boolean;
  transposeB: boolean;
  epilogue: EpilogueSpec;
}

export function matMulOutputShape(p: MatMulProblem): number[] {
  const ra = p.aShape.length;
  const rb = p.bShape.length;
  const m = p.transposeA ? p.aShape[ra - 1] : p.aShape[ra - 2];
  const ka = p.transposeA ? p.aShape[ra - 2] : p.aShape[ra - 1];
  const kb = p.transposeB ? p.bShape[rb - 1] : p.bShape[rb - 2];
  const n = p.transposeB ? p.bShape[rb - 2] : p.bShape[rb - 1];
  if (ka !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${p.aShape} and ${p.bShape} ` +
        `and transposeA=${p.transposeA} and transposeB=${p.transposeB} must match.`,
    );
  }
  const batch = broadcast_util.assertAndGetBroadcastShape(p.aShape.slice(0, -2), p.bShape.slice(0, -2));
  return [...batch, m, n];
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function productNodes(p: MatMulProblem): OnnxNode[] {
  if (p.aShape.length === 2 && p.bShape.length === 2) {
    return [
      {
        op: 'Gemm',
        inputs: ['a', 'b'],
        outputs: ['product'],
        attributes: { transA: attr.int(p.transposeA ? 1 : 0), transB: attr.int(p.transposeB ? 1 : 0) },
      },
    ];
  }
  const nodes: OnnxNode[] = [];
  let a = 'a';
  let b = 'b';
  if (p.transposeA) {
    nodes.push({ op: 'Transpose', inputs: ['a'], outputs: ['a_t'], attributes: { perm: attr.ints(swapLastTwo(p.aShape.length)) } });
    a = 'a_t';
  }
  if (p.transposeB) {
    nodes.push({ op: 'Transpose', inputs: ['b'], outputs: ['b_t'], attributes: { perm: attr.ints(swapLastTwo(p.bShape.length)) } });
    b = 'b_t';
  }
  nodes.push({ op: 'MatMul', inputs: [a, b], outputs: ['product'] });
  return nodes;
}

export function matMulGraph(p: MatMulProblem): OnnxGraph {
  const epilogue = epilogueGraph('product', 'y', p.epilogue);
  return {
    nodes: [...productNodes(p), ...epilogue.nodes],
    inputs: [float32Value('a', p.aShape), float32Value('b', p.bShape), ...epilogue.inputs],
    outputs: [float32Value('y', matMulOutputShape(p))],
    initializers: epilogue.initializers,
  };
}

export function runMatMul(
  p: MatMulProblem,
  a: Float32Array,
  b: Float32Array,
  bias?: Float32Array,
  prelu?: Float32Array,
): Float32Array {
  const key = `matmul|${shapeKey(p.aShape)}|${shapeKey(p.bShape)}|${p.transposeA}|${p.transposeB}|${epilogueKey(p.epilogue)}`;
  const session = cachedSession(key, () => matMulGraph(p));
  const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = {
    a: { data: a, dims: p.aShape },
    b: { data: b, dims: p.bShape },
  };
  if (bias && p.epilogue.biasShape) feeds[BIAS_INPUT] = { data: bias, dims: p.epilogue.biasShape };
  if (prelu && p.epilogue.preluShape) feeds[PRELU_INPUT] = { data: prelu, dims: p.epilogue.preluShape };
  return session.run(feeds).y.data;
}

interface MatMulInputs {
  a: TensorInfo;
  b: TensorInfo;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}

export function makeBatchMatMulKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<MatMulInputs, BatchMatMulAttrs>): TensorInfo | TensorInfo[] => {
    const { a, b } = inputs;
    if (!ortEligible(backend, [a, b])) return reference({ inputs, backend, attrs: { ...attrs } });
    const p: MatMulProblem = { aShape: a.shape, bShape: b.shape, transposeA: attrs.transposeA, transposeB: attrs.transposeB, epilogue: {} };
    return float32Output(backend, matMulOutputShape(p), runMatMul(p, float32Data(backend, a), float32Data(backend, b)));
  };
}

export function makeFusedMatMulKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<MatMulInputs, _FusedMatMulAttrs>): TensorInfo | TensorInfo[] => {
    const { a, b, bias, preluActivationWeights: prelu } = inputs;
    if (!ortEligible(backend, [a, b, bias, prelu])) return reference({ inputs, backend, attrs: { ...attrs } });
    const p: MatMulProblem = {
      aShape: a.shape,
      bShape: b.shape,
      transposeA: attrs.transposeA,
      transposeB: attrs.transposeB,
      epilogue: {
        biasShape: bias?.shape,
        activation: attrs.activation,
        preluShape: prelu?.shape,
        leakyreluAlpha: attrs.leakyreluAlpha,
      },
    };
    const y = runMatMul(
      p,
      float32Data(backend, a),
      float32Data(backend, b),
      bias ? float32Data(backend, bias) : undefined,
      prelu ? float32Data(backend, prelu) : undefined,
    );
    return float32Output(backend, matMulOutputShape(p), y);
  };
}
