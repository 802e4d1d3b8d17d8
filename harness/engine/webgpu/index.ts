import * as tf from '@tensorflow/tfjs';
import { MessageChannel, Worker } from 'node:worker_threads';
import { tsWorkerExecArgv } from '../../core/worker-exec-argv.js';
import { numbersDifferFromCpu } from './numeric-check.js';
import type { AdapterSummary, DawnBackend, DeviceLimits, StartOptions, StartReply, WorkerReply, WorkerRequest } from './protocol.js';
import { registerProxyKernels, WebGpuProxyBackend } from './proxy-backend.js';
import { sharedFlag, SyncCaller } from './sync-channel.js';
import { platformBackendLoadable } from './vulkan-loader.js';

/**
 * The 'webgpu' tfjs backend: tfjs-backend-webgpu on Google's Dawn (the `webgpu` npm package), run in a worker
 * thread that owns the device, behind a proxy backend on the main thread that keeps tfjs's synchronous reads
 * working (sync-channel.ts says why). Everything here loads lazily: a machine where Dawn cannot load still
 * runs every other backend.
 */

export type { AdapterSummary } from './protocol.js';
export { adapterName } from './adapter-kind.js';
export const WEBGPU_BACKEND = 'webgpu';

/** One call longer than this (a read waits for every queued GPU kernel) ends the run instead of hanging it. */
const CALL_TIMEOUT_MS = 30 * 60 * 1000;

export interface WebGpuOptions {
  /**
   * 'gpu-drivers': only Dawn's platform backend (Vulkan, Metal, D3D12), where a GPU's own driver answers: what
   * `auto` looks at. 'all': then OpenGL ES too, which on a machine without a GPU is the software renderer llvmpipe.
   */
  search: 'gpu-drivers' | 'all';
  deviceLimits: DeviceLimits;
}

export interface WebGpuSession {
  backendName: string;
  adapter: AdapterSummary;
  /**
   * Activates the backend and compares its numbers with the cpu backend's (numeric-check.ts): null when they
   * agree, else what differs. The backend stays active either way.
   */
  verify(): Promise<string | null>;
  /** Ends the worker and unregisters the backend. */
  stop(): void;
}

/** Why no session started; `noAdapter` when Dawn loaded but found no adapter where it looked. */
export interface WebGpuStartError {
  error: string;
  noAdapter: boolean;
}

const sessions = new Map<string, Promise<WebGpuSession | WebGpuStartError>>();

/**
 * Starts the worker, finds an adapter and a device, and registers backend `backendName` (not yet active). One
 * session per name per process: later calls get the same one, until it is stopped.
 */
export function startWebGpu(
  backendName = WEBGPU_BACKEND,
  options: WebGpuOptions = { search: 'all', deviceLimits: 'adapter' },
): Promise<WebGpuSession | WebGpuStartError> {
  let session = sessions.get(backendName);
  if (!session) {
    session = launch(backendName, options).then((s) => {
      if ('error' in s) sessions.delete(backendName);
      return s;
    });
    sessions.set(backendName, session);
  }
  return session;
}

async function launch(backendName: string, options: WebGpuOptions): Promise<WebGpuSession | WebGpuStartError> {
  const dawnBackends: DawnBackend[] = [];
  const unsearched: string[] = [];
  if (platformBackendLoadable()) dawnBackends.push('platform');
  else unsearched.push("platform: no Vulkan loader (libvulkan.so.1) where the dynamic linker looks, so Dawn's Vulkan backend cannot start");
  if (options.search === 'all') dawnBackends.push('opengles');
  if (dawnBackends.length === 0) return { error: `no WebGPU adapter found (${unsearched.join('; ')})`, noAdapter: true };

  // Mesa's EGL needs a platform without a display server; Dawn's worker thread reads it from the process
  // environment, which only this thread can change.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const { port1, port2 } = new MessageChannel();
  const flag = sharedFlag();
  const startOptions: StartOptions = { dawnBackends, deviceLimits: options.deviceLimits };
  const worker = new Worker(new URL('./gpu-worker-entry.cjs', import.meta.url), {
    workerData: { port: port2, flag, options: startOptions },
    transferList: [port2],
    execArgv: tsWorkerExecArgv(),
  });
  const reply = await new Promise<StartReply>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (e) => resolve({ ok: false, error: e.message.split('\n')[0]!, tried: [], noAdapter: false }));
    worker.once('exit', (code) => resolve({ ok: false, error: `the WebGPU worker exited (code ${code}) before it started`, tried: [], noAdapter: false }));
  });
  worker.removeAllListeners();
  if (!reply.ok) {
    await worker.terminate();
    const tried = [...unsearched, ...reply.tried];
    return { error: tried.length ? `${reply.error} (${tried.join('; ')})` : reply.error, noAdapter: reply.noAdapter };
  }
  // Neither the worker nor the port may keep the process alive: a command ends when its work does.
  worker.unref();
  port1.unref();
  const channel = new SyncCaller<WorkerRequest, WorkerReply>(port1, flag, CALL_TIMEOUT_MS);
  let stopped = false;
  const stopWorker = (why?: string) => {
    if (stopped) return;
    stopped = true;
    channel.close(why);
    sessions.delete(backendName);
    void worker.terminate();
  };
  // An uncaught error ends the worker; the next call then fails with it (unhandled, it would crash this thread).
  worker.on('error', (e) => stopWorker(e.message.split('\n')[0]));
  worker.once('exit', () => stopWorker());
  tf.registerBackend(backendName, () => new WebGpuProxyBackend(channel, () => stopWorker()));
  registerProxyKernels(backendName, reply.kernels);
  return {
    backendName,
    adapter: reply.adapter,
    async verify() {
      if (!(await tf.setBackend(backendName))) return 'the backend did not initialise';
      return numbersDifferFromCpu(backendName);
    },
    stop() {
      if (tf.findBackend(backendName) || tf.findBackendFactory(backendName)) tf.removeBackend(backendName);
      stopWorker();
    },
  };
}
