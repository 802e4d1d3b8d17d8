/// <reference types="@webgpu/types" />
import { workerData, parentPort, type MessagePort } from 'node:worker_threads';
import { findDevice, loadDawn } from './adapter.js';
import type { StartOptions, StartReply, WorkerReply, WorkerRequest } from './protocol.js';
import { serveSync } from './sync-channel.js';

/**
 * The thread that owns the Dawn device and every tensor of the 'webgpu' backend: tfjs-backend-webgpu runs here,
 * kernel by kernel, as the main thread's proxy backend asks (proxy-backend.ts). Tensors are named by the numbers
 * the main thread gives them.
 */

interface Data {
  port: MessagePort;
  flag: Int32Array;
  options: StartOptions;
}

const { port, flag, options } = workerData as Data;
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

async function start(): Promise<StartReply> {
  let dawn;
  try {
    dawn = await loadDawn();
  } catch (e) {
    return { ok: false, error: `the optional package 'webgpu' (Dawn) cannot be loaded: ${firstLine(e)}`, tried: [], noAdapter: false };
  }
  const found = await findDevice(dawn, options.dawnBackends, options.deviceLimits);
  if ('tried' in found) return { ok: false, error: 'no WebGPU adapter found', tried: found.tried, noAdapter: true };

  // tfjs-backend-webgpu reads navigator.gpu, which Node 20 does not define. It also registers a backend factory
  // of its own on import when navigator.gpu exists; that one asks for an adapter without a feature level (none
  // on OpenGL ES) and the default limits, so it is replaced by ours, on the device found above.
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: found.gpu }, configurable: true, writable: true });
  const tf = await import('@tensorflow/tfjs-core');
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('PROD', true);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(found.device, found.info));
  if (!(await tf.setBackend('webgpu'))) return { ok: false, error: 'tfjs-backend-webgpu did not initialise on the device', tried: [], noAdapter: false };

  const deviceErrors: string[] = [];
  found.device.addEventListener('uncapturederror', (event) => {
    deviceErrors.push(firstLine((event as GPUUncapturedErrorEvent).error.message));
  });
  void found.device.lost.then((info) => deviceErrors.push(`device lost: ${info.message || info.reason}`));

  const tensors = new Map<number, import('@tensorflow/tfjs-core').Tensor>();
  /** Failures of requests that had no reply, told with the next reply. */
  let postedError: string | null = null;
  const drainErrors = () => deviceErrors.splice(0, deviceErrors.length);

  const tensor = (id: number) => {
    const t = tensors.get(id);
    if (!t) throw new Error(`webgpu worker: no tensor #${id}`);
    return t;
  };

  serveSync<WorkerRequest, WorkerReply>(port, flag, async (req) => {
    try {
      if (postedError) throw new Error(postedError);
      switch (req.op) {
        case 'write':
          tensors.set(req.id, tf.engine().makeTensor(req.values as never, req.shape, req.dtype));
          return { ok: true, deviceErrors: drainErrors() };
        case 'dispose':
          tensors.get(req.id)?.dispose();
          tensors.delete(req.id);
          return { ok: true, deviceErrors: drainErrors() };
        case 'kernel': {
          const inputs: Record<string, import('@tensorflow/tfjs-core').Tensor> = {};
          for (const [name, id] of Object.entries(req.inputs)) if (id !== null) inputs[name] = tensor(id);
          const out = tf.engine().runKernel(req.name, inputs, req.attrs) as import('@tensorflow/tfjs-core').Tensor | import('@tensorflow/tfjs-core').Tensor[];
          const list = Array.isArray(out) ? out : [out];
          list.forEach((t, i) => tensors.set(req.firstId + i, t));
          return { ok: true, outputs: list.map((t) => ({ shape: t.shape, dtype: t.dtype })), single: !Array.isArray(out), deviceErrors: drainErrors() };
        }
        case 'read': {
          const t = tensor(req.id);
          const values = t.dtype === 'string' ? await t.bytes() : await t.data();
          return { ok: true, values: values as never, deviceErrors: drainErrors() };
        }
      }
    } catch (e) {
      if (req.op === 'write' || req.op === 'dispose') postedError ??= `${req.op} of tensor #${req.id}: ${firstLine(e)}`;
      else postedError = null;
      return { ok: false, error: firstLine(e), deviceErrors: drainErrors() };
    }
  });

  const kernels = tf.getKernelsForBackend('webgpu').map((k) => k.kernelName);
  return { ok: true, adapter: found.summary, kernels };
}

// No top-level await: this file runs as CommonJS (gpu-worker-entry.cjs says why).
void start()
  .catch((e: unknown): StartReply => ({ ok: false, error: firstLine(e), tried: [], noAdapter: false }))
  .then((reply) => parentPort!.postMessage(reply));
