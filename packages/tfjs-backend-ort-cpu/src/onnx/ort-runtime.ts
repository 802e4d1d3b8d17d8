import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/**
 * Synchronous access to onnxruntime-node's native session object. The package's public InferenceSession wraps
 * every run in a Promise resolved on setImmediate, which a tfjs kernel (a synchronous function) cannot await;
 * the binding underneath runs synchronously with a few microseconds of overhead per call, so the backend
 * calls it directly.
 */

export type OrtFloatTensor = { readonly data: Float32Array; readonly dims: readonly number[] };

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, OrtFloatTensor>;
  dispose(): void;
}

interface NativeBinding {
  InferenceSession: new () => NativeSession;
  initOrtOnce(logLevel: number, tensorConstructor: unknown, isMainThread: boolean): void;
}

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;

interface OrtModules {
  binding: NativeBinding;
  Tensor: TensorConstructor;
}

const ORT_LOG_LEVEL_ERROR = 3;

let loaded: OrtModules | null | undefined;
let loadError: string | undefined;

function loadOrt(): OrtModules | null {
  if (loaded !== undefined) return loaded;
  try {
    const require = createRequire(import.meta.url);
    const { binding } = require('onnxruntime-node/dist/binding.js') as { binding: NativeBinding };
    const { Tensor } = require('onnxruntime-common') as { Tensor: TensorConstructor };
    binding.initOrtOnce(ORT_LOG_LEVEL_ERROR, Tensor, isMainThread);
    loaded = { binding, Tensor };
  } catch (e) {
    loadError = e instanceof Error ? e.message : String(e);
    loaded = null;
  }
  return loaded;
}

/** True when onnxruntime-node's native library loads on this machine; never throws. */
export function ortRuntimeAvailable(): boolean {
  return loadOrt() !== null;
}

/** Why onnxruntime-node could not be loaded, for error messages (undefined when it loaded). */
export function ortRuntimeLoadError(): string | undefined {
  loadOrt();
  return loadError;
}

function requireOrt(): OrtModules {
  const ort = loadOrt();
  if (ort === null) throw new Error(`onnxruntime-node could not be loaded: ${loadError}`);
  return ort;
}

/** Threads for one ORT operator; FLB_ORT_THREADS overrides (e.g. 1 when several processes share the cores). */
export function ortIntraOpThreads(): number {
  const fromEnv = Number(process.env.FLB_ORT_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

let runCount = 0;

/** How many ORT graph runs this process made: lets tests and benchmarks see that ORT, not a fallback, ran. */
export function ortRunCount(): number {
  return runCount;
}

/** A loaded ONNX model whose single run call blocks until the outputs are ready. */
export class OrtSession {
  private readonly native: NativeSession;
  private readonly Tensor: TensorConstructor;
  private readonly fetches: Record<string, null>;

  constructor(model: Uint8Array, outputNames: readonly string[]) {
    const ort = requireOrt();
    this.Tensor = ort.Tensor;
    this.native = new ort.binding.InferenceSession();
    this.native.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: ortIntraOpThreads(),
      interOpNumThreads: 1,
      // No arena and no memory pattern: both keep a session's peak memory for its lifetime, and a training step
      // holds hundreds of sessions (IR-ResNet-18 at batch 32 reached 15 GB and was OOM-killed). Freed buffers go
      // back to the OS; the page faults of re-allocating cost a few ms per 100 MB.
      enableCpuMemArena: false,
      enableMemPattern: false,
      // Each session owns a thread pool; spinning idle workers would steal the cores from the JS thread (and
      // from the next session) between the many short runs of a training step.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    this.fetches = Object.fromEntries(outputNames.map((n) => [n, null]));
  }

  /** Inputs are float32 tensors given as flat data plus dims; outputs keep the model's output names. */
  run(inputs: Record<string, { data: Float32Array; dims: readonly number[] }>): Record<string, OrtFloatTensor> {
    const feeds: Record<string, unknown> = {};
    for (const [name, { data, dims }] of Object.entries(inputs)) feeds[name] = new this.Tensor('float32', data, dims);
    runCount++;
    return this.native.run(feeds, this.fetches, {});
  }

  dispose(): void {
    this.native.dispose();
  }
}
