import type * as Ort from 'onnxruntime-node';
import { gemmGroupMaxModel, gemmTransBModel } from './onnx-gemm-model.js';

/**
 * Float32 similarity blocks Y = A · Bᵀ through onnxruntime's MLAS GEMM (chosen by measurement: see
 * protocols/README.md and bench/scoring.ts). One session per model and feature dimension per thread.
 * onnxruntime refuses tensors over SharedArrayBuffers, so callers pass thread-local arrays.
 */
type ModelKind = 'gemm' | 'gemm-group-max';

const sessions = new Map<string, Promise<Ort.InferenceSession>>();

// Loaded on first use: workers that only score pairs or sort start faster without the native library.
let runtime: Promise<typeof Ort> | undefined;

function sessionFor(kind: ModelKind, dim: number, threads: number): Promise<Ort.InferenceSession> {
  const key = `${kind}:${dim}`;
  let session = sessions.get(key);
  if (!session) {
    runtime ??= import('onnxruntime-node');
    const model = kind === 'gemm' ? gemmTransBModel(dim) : gemmGroupMaxModel(dim);
    session = runtime.then((ort) =>
      ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' }),
    );
    sessions.set(key, session);
  }
  return session;
}

/**
 * out[0 .. aRows·bRows) = a[aRows × dim] · b[bRows × dim]ᵀ, row-major. `a`, `b`, `out` must not be backed by
 * a SharedArrayBuffer.
 */
export async function similarityBlock(
  a: Float32Array,
  aRows: number,
  b: Float32Array,
  bRows: number,
  dim: number,
  out: Float32Array,
  threads = 1,
): Promise<void> {
  const session = await sessionFor('gemm', dim, threads);
  const ort = await runtime!;
  const feeds = {
    A: new ort.Tensor('float32', a.subarray(0, aRows * dim), [aRows, dim]),
    B: new ort.Tensor('float32', b.subarray(0, bRows * dim), [bRows, dim]),
  };
  await session.run(feeds, { Y: new ort.Tensor('float32', out.subarray(0, aRows * bRows), [aRows, bRows]) });
}

/**
 * As similarityBlock, and groupMax[r·(bRows/group) + g] = max of out's row r over columns [g·group, (g+1)·group).
 * bRows must be a multiple of `group`.
 */
export async function similarityBlockWithGroupMax(
  a: Float32Array,
  aRows: number,
  b: Float32Array,
  bRows: number,
  dim: number,
  out: Float32Array,
  groupMax: Float32Array,
  group: number,
  threads = 1,
): Promise<void> {
  if (bRows % group !== 0) throw new Error(`similarityBlockWithGroupMax: ${bRows} columns are not a multiple of ${group}`);
  const session = await sessionFor('gemm-group-max', dim, threads);
  const ort = await runtime!;
  const groups = bRows / group;
  const feeds = {
    A: new ort.Tensor('float32', a.subarray(0, aRows * dim), [aRows, dim]),
    B: new ort.Tensor('float32', b.subarray(0, bRows * dim), [bRows, dim]),
    S: new ort.Tensor('int64', BigInt64Array.from([BigInt(aRows), BigInt(groups), BigInt(group)]), [3]),
  };
  await session.run(feeds, {
    Y: new ort.Tensor('float32', out.subarray(0, aRows * bRows), [aRows, bRows]),
    Z: new ort.Tensor('float32', groupMax.subarray(0, aRows * groups), [aRows, groups]),
  });
}
