import * as tf from '@tensorflow/tfjs';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import type { SyncCaller } from './sync-channel.js';

/**
 * The main thread's 'webgpu' tfjs backend. It holds no data: each tensor is a number naming a tensor in the worker
 * that owns the device (gpu-worker.ts), each kernel a synchronous call that runs tfjs-backend-webgpu's kernel
 * there and returns the output shapes. The GPU queue keeps running between calls; only reads wait for it.
 * Gradients, tidy scopes, variables and the tape stay on this thread's tfjs engine, as for any backend.
 */

interface Entry {
  id: number;
  refCount: number;
}

export class WebGpuProxyBackend extends tf.KernelBackend {
  private readonly entries = new WeakMap<object, Entry>();
  private live = 0;
  private nextId = 1;

  constructor(
    private readonly channel: SyncCaller<WorkerRequest, WorkerReply>,
    private readonly onDispose: () => void,
  ) {
    super();
  }

  /** Sends one request and waits for its reply; a device error since the last one fails it. */
  call(req: WorkerRequest): Extract<WorkerReply, { ok: true }> {
    const rep = this.channel.call(req);
    if (rep.deviceErrors.length > 0) {
      throw new Error(`the WebGPU device reported an error, so its results cannot be trusted: ${rep.deviceErrors[0]}`);
    }
    if (!rep.ok) throw new Error(rep.error);
    return rep;
  }

  private register(dataId: object, refCount = 1): number {
    const id = this.nextId++;
    this.entries.set(dataId, { id, refCount });
    this.live++;
    return id;
  }

  /** The worker's number for a tensor; one held by another backend is moved here first, as tfjs's backends do. */
  idOf(dataId: object): number {
    if (!this.entries.has(dataId)) tf.engine().moveData(this, dataId);
    return this.entries.get(dataId)!.id;
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): object {
    const dataId = {};
    this.channel.post({ op: 'write', id: this.register(dataId), values, shape, dtype });
    return dataId;
  }

  override move(dataId: object, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.channel.post({ op: 'write', id: this.register(dataId, refCount), values, shape, dtype });
  }

  override readSync(dataId: object): tf.backend_util.BackendValues {
    return this.call({ op: 'read', id: this.idOf(dataId) }).values!;
  }

  override async read(dataId: object): Promise<tf.backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: object): number {
    return this.entries.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: object): void {
    const entry = this.entries.get(dataId);
    if (entry) entry.refCount++;
  }

  override disposeData(dataId: object, force = false): boolean {
    const entry = this.entries.get(dataId);
    if (!entry) return true;
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    this.entries.delete(dataId);
    this.live--;
    this.channel.post({ op: 'dispose', id: entry.id });
    return true;
  }

  override numDataIds(): number {
    return this.live;
  }

  override memory(): { unreliable: boolean; reasons: string[] } {
    return { unreliable: true, reasons: ['tensors of the webgpu backend live in GPU memory, owned by a worker thread'] };
  }

  override async time(f: () => void): Promise<{ kernelMs: number }> {
    // Kernels only queue GPU work; a step's wall time is what the harness measures.
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override dispose(): void {
    this.onDispose();
  }

  /** Runs a tfjs-backend-webgpu kernel in the worker; the outputs become tensors of this backend. */
  runKernel(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined): tf.TensorInfo | tf.TensorInfo[] {
    let ids: number[] | Record<string, number | null>;
    if (Array.isArray(inputs)) ids = (inputs as tf.TensorInfo[]).map((info) => this.idOf(info.dataId));
    else ids = Object.fromEntries(Object.entries(inputs).map(([key, info]) => [key, info ? this.idOf(info.dataId) : null]));
    // The worker numbers the outputs from here on, as register() below hands the numbers out.
    const rep = this.call({ op: 'kernel', name, inputs: ids, attrs: attrs ?? {}, firstId: this.nextId });
    const outputs = rep.outputs!.map((o) => {
      const dataId = {};
      this.register(dataId);
      return { dataId, shape: o.shape, dtype: o.dtype };
    });
    return rep.single ? outputs[0]! : outputs;
  }
}

/** Registers, for backend `backendName`, a proxy of each kernel the worker's tfjs-backend-webgpu has. */
export function registerProxyKernels(backendName: string, kernelNames: readonly string[]): void {
  for (const kernelName of kernelNames) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => (backend as WebGpuProxyBackend).runKernel(kernelName, inputs, attrs),
    });
  }
}
