import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtFactory from 'wabt';

/**
 * WebAssembly SIMD kernels for the memory-bound loops of a training step (batch norm, ReLU, PReLU, 2×2
 * max-pool, the SGD update, the filter gradient's transposing copy),
 * written as WebAssembly text (the .wat files here) and compiled once per process with wabt. They run on chunks
 * copied into each module's memory: tensors live in tfjs's own typed arrays, which WebAssembly cannot address,
 * and a chunk of 64 KB per operand stays in cache between the copy and the kernel. Measured in a convnet training
 * step: batch norm 3–4× the plain-JavaScript loops, copies included.
 */

export interface BatchNormExports {
  memory: WebAssembly.Memory;
  moments(x: number, rows: number, ch: number, shift: number, sum: number, sq: number): void;
  normalize(x: number, y: number, rows: number, ch: number, mean: number, factor: number, beta: number): void;
  gradientSums(dy: number, x: number, rows: number, ch: number, mean: number, sumDy: number, sumDyCentred: number): void;
  gradientDx(dy: number, x: number, dx: number, rows: number, ch: number, mean: number, a: number, b: number, k: number): void;
}

export interface ActivationExports {
  memory: WebAssembly.Memory;
  relu(x: number, y: number, n: number): void;
  reluGradient(dy: number, y: number, dx: number, n: number): void;
  prelu(x: number, alpha: number, y: number, rows: number, n: number): void;
  preluGradient(dy: number, x: number, alpha: number, dx: number, dAlpha: number, rows: number, n: number): void;
}

export interface SgdExports {
  memory: WebAssembly.Memory;
  sgdMomentumStep(w: number, v: number, g: number, wOut: number, vOut: number, n: number, lr: number, momentum: number, useDecay: number, decay: number): void;
}

export interface TransposeExports {
  memory: WebAssembly.Memory;
  toChannelMajor(src: number, dst: number, pixels: number, ch: number, stride: number): void;
}

export interface MaxPoolExports {
  memory: WebAssembly.Memory;
  maxPool(x: number, y: number, outRows: number, outW: number, ch: number): void;
  maxPoolGradient(x: number, dy: number, dx: number, outRows: number, outW: number, ch: number): void;
}

interface SimdModules {
  batchNorm: BatchNormExports;
  activations: ActivationExports;
  maxPool: MaxPoolExports;
  sgd: SgdExports;
  transpose: TransposeExports;
}

const SOURCES: Record<keyof SimdModules, string> = {
  batchNorm: 'batch-norm.wat',
  activations: 'activations.wat',
  maxPool: 'max-pool.wat',
  sgd: 'sgd.wat',
  transpose: 'transpose.wat',
};

let modules: SimdModules | null = null;
let loadError: string | undefined;

/**
 * Compiles the kernels (idempotent). Never throws: without them (no WebAssembly SIMD here, or wabt failing) the
 * callers keep their JavaScript loops or ORT graphs, and simdLoadError() says why.
 */
export async function loadSimdKernels(): Promise<void> {
  if (modules || loadError) return;
  try {
    const wabt = await wabtFactory();
    const compiled: Partial<Record<keyof SimdModules, unknown>> = {};
    for (const [name, file] of Object.entries(SOURCES) as [keyof SimdModules, string][]) {
      const source = readFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), 'utf8');
      const parsed = wabt.parseWat(file, source, { simd: true });
      try {
        parsed.validate();
        const { buffer } = parsed.toBinary({});
        compiled[name] = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(buffer))).exports;
      } finally {
        parsed.destroy();
      }
    }
    modules = compiled as SimdModules;
  } catch (e) {
    loadError = e instanceof Error ? e.message : String(e);
  }
}

/** The compiled module, or null before loadSimdKernels() resolved or where the kernels could not be built. */
export function simdKernels<K extends keyof SimdModules>(name: K): SimdModules[K] | null {
  return modules ? modules[name] : null;
}

export function simdLoadError(): string | undefined {
  return loadError;
}

const PAGE_BYTES = 65536;

/** Grows a module's memory to at least `bytes` (it never shrinks); views must be taken after this. */
export function ensureMemory(k: { memory: WebAssembly.Memory }, bytes: number): void {
  const missing = bytes - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE_BYTES));
}

/** Floats per operand chunk: 64 KB, so that the two or three operands of a pass stay in cache. */
export const CHUNK_FLOATS = 16384;

/** Calls `pass(first, count)` over [0, total) a chunk of at most `chunk` at a time. */
export function forEachChunk(total: number, chunk: number, pass: (first: number, count: number) => void): void {
  for (let first = 0; first < total; first += chunk) pass(first, Math.min(chunk, total - first));
}

/**
 * Runs an elementwise kernel over flat arrays of one length, a chunk at a time: the inputs are copied into chunk
 * buffers 0 … i−1 of the module's memory, `kernel` is called with every buffer's byte offset (the inputs', then
 * the outputs') and the chunk's length rounded up to 4 (the buffers have room; the extra lanes are not copied
 * out), and `outputs` arrays are copied out of the buffers after the inputs.
 */
export function elementwiseOverChunks(
  k: { memory: WebAssembly.Memory },
  inputs: readonly Float32Array[],
  outputs: number,
  kernel: (buffers: readonly number[], count: number) => void,
): Float32Array[] {
  const chunkBytes = 4 * CHUNK_FLOATS;
  const buffers = Array.from({ length: inputs.length + outputs }, (_, i) => i * chunkBytes);
  ensureMemory(k, buffers.length * chunkBytes);
  const heap = new Float32Array(k.memory.buffer);
  const length = inputs[0]?.length ?? 0;
  const results = Array.from({ length: outputs }, () => new Float32Array(length));
  forEachChunk(length, CHUNK_FLOATS, (first, n) => {
    inputs.forEach((input, i) => heap.set(input.subarray(first, first + n), buffers[i]! / 4));
    kernel(buffers, (n + 3) & ~3);
    results.forEach((result, o) => {
      const at = buffers[inputs.length + o]! / 4;
      result.set(heap.subarray(at, at + n), first);
    });
  });
  return results;
}
