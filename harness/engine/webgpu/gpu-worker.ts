/// <reference types="@webgpu/types" />
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { workerData, parentPort, type MessagePort } from 'node:worker_threads';
import { findDevice, loadDawn, type FoundDevice } from './adapter.js';
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

/**
 * tfjs-backend-webgpu's backend refuses to start unless `navigator.gpu` exists, which Node 20 does not define.
 * Its import registers a backend factory of its own where `navigator.gpu` exists; imported above, before the
 * global is set, it registers none: that one would ask for an adapter without a feature level (none on OpenGL ES)
 * and a device with too few limits. Ours runs on the device found here.
 */
async function activate(found: FoundDevice): Promise<string | null> {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: found.gpu }, configurable: true, writable: true });
  tf.env().set('PROD', true);
  let failure = 'tfjs-backend-webgpu did not initialise on the device';
  tf.registerBackend('webgpu', () => {
    try {
      return new WebGPUBackend(found.device, found.info);
    } catch (e) {
      failure = `tfjs-backend-webgpu did not initialise on the device: ${firstLine(e)}`;
      throw e;
    }
  });
  return (await tf.setBackend('webgpu')) ? null : failure;
}

function serve(device: GPUDevice): void {
  const tensors = new Map<number, tf.Tensor>();
  const deviceErrors: string[] = [];
  device.addEventListener('uncapturederror', (event) => deviceErrors.push(firstLine((event as GPUUncapturedErrorEvent).error.message)));
  void device.lost.then((info) => deviceErrors.push(`device lost: ${info.message || info.reason}`));
  /** A write or dispose has no reply: its failure is told with the next reply. */
  let postFailure: string | null = null;

  const tensor = (id: number) => {
    const t = tensors.get(id);
    if (!t) throw new Error(`webgpu worker: no tensor #${id}`);
    return t;
  };

  const answer = async (req: Extract<WorkerRequest, { op: 'kernel' | 'read' }>): Promise<WorkerReply> => {
    if (postFailure) throw new Error(postFailure);
    if (req.op === 'read') {
      const t = tensor(req.id);
      const values = t.dtype === 'string' ? await t.bytes() : await t.data();
      return { ok: true, values: values as tf.backend_util.BackendValues, deviceErrors: [] };
    }
    const inputs: tf.Tensor[] | Record<string, tf.Tensor> = Array.isArray(req.inputs)
      ? req.inputs.map(tensor)
      : Object.fromEntries(Object.entries(req.inputs).flatMap(([name, id]) => (id === null ? [] : [[name, tensor(id)]])));
    const out = tf.engine().runKernel(req.name, inputs as tf.NamedTensorMap, req.attrs) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t, i) => tensors.set(req.firstId + i, t));
    return { ok: true, outputs: list.map((t) => ({ shape: t.shape, dtype: t.dtype })), single: !Array.isArray(out), deviceErrors: [] };
  };

  serveSync<WorkerRequest, WorkerReply | null>(port, flag, async (req) => {
    if (req.op === 'write' || req.op === 'dispose') {
      try {
        if (req.op === 'write') tensors.set(req.id, tf.engine().makeTensor(req.values as never, req.shape, req.dtype));
        else {
          tensors.get(req.id)?.dispose();
          tensors.delete(req.id);
        }
      } catch (e) {
        postFailure ??= `${req.op} of tensor #${req.id}: ${firstLine(e)}`;
      }
      return null;
    }
    let reply: WorkerReply;
    try {
      reply = await answer(req);
    } catch (e) {
      reply = { ok: false, error: firstLine(e), deviceErrors: [] };
    }
    postFailure = null;
    // Errors the device reported by now, whichever kernel caused them: the caller stops trusting its results.
    reply.deviceErrors = deviceErrors.splice(0, deviceErrors.length);
    return reply;
  });
}

async function start(): Promise<StartReply> {
  const fail = (error: string, tried: string[] = [], noAdapter = false): StartReply => ({ ok: false, error, tried, noAdapter });
  let dawn;
  try {
    dawn = await loadDawn();
  } catch (e) {
    return fail(`the optional package 'webgpu' (Dawn) cannot be loaded (npm install webgpu): ${firstLine(e)}`);
  }
  const found = await findDevice(dawn, options.dawnBackends, options.deviceLimits);
  if ('tried' in found) return fail('no WebGPU adapter found', found.tried, true);
  const failure = await activate(found);
  if (failure) return fail(failure);
  serve(found.device);
  return { ok: true, adapter: found.summary, kernels: tf.getKernelsForBackend('webgpu').map((k) => k.kernelName) };
}

// No top-level await: this file runs as CommonJS (gpu-worker-entry.cjs says why).
void start()
  .catch((e: unknown) => ({ ok: false, error: firstLine(e), tried: [], noAdapter: false }) satisfies StartReply)
  .then((reply) => parentPort!.postMessage(reply));
