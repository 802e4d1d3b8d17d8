import type * as Ort from 'onnxruntime-node';
import { gemmTransBModel } from './onnx-gemm-model.js';

/**
 * Float32 similarity blocks Y = A · Bᵀ through onnxruntime's MLAS GEMM (chosen by measurement: see
 * bench/scoring.ts and README). One session per feature dimension per thread. onnxruntime refuses tensors
 * over SharedArrayBuffers, so callers pass thread-local arrays.
 */
const sessions = new Map<number, Promise<Ort.InferenceSession>>();

// Loaded on first use: workers that only score pairs or sort start faster without the native library.
let runtime: Promise<typeof Ort> | undefined;

function sessionFor(dim: number, threads: number): Promise<Ort.InferenceSession> {
  let session = sessions.get(dim);
  if (!session) {
    runtime ??= import('onnxruntime-node');
    session = runtime.then((ort) => ort.InferenceSession.create(gemmTransBModel(dim), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    }));
    sessions.set(dim, session);
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
  const session = await sessionFor(dim, threads);
  const ort = await runtime!;
  const feeds = {
    A: new ort.Tensor('float32', a.subarray(0, aRows * dim), [aRows, dim]),
    B: new ort.Tensor('float32', b.subarray(0, bRows * dim), [bRows, dim]),
  };
  const fetches = { Y: new ort.Tensor('float32', out.subarray(0, aRows * bRows), [aRows, bRows]) };
  await session.run(feeds, fetches);
}
