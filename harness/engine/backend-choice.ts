import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import type { WebGpuAdapter } from './webgpu/engine-candidate.js';

/**
 * The tfjs backend, chosen once at start. Model and loss code only uses tfjs ops, so the same code runs on
 * every backend; what differs is speed and which kernels exist.
 */
export { BACKEND_CHOICES, type BackendChoice } from './backend-names.js';
import type { BackendChoice } from './backend-names.js';

export interface EngineInfo {
  requested: BackendChoice;
  /** tfjs backend name now active: 'tensorflow' (tfjs-node / tfjs-node-gpu), 'webgpu', 'ort-cpu', 'wasm' or 'cpu'. */
  backend: string;
  /** Which package provides it, e.g. '@tensorflow/tfjs-node-gpu'. */
  provider: string;
  /** Why this backend, in one sentence (printed at start and stored in config.json). */
  reason: string;
  tfjsVersion: string;
  /** The GPU (or software renderer) under the 'webgpu' backend; absent on the others. */
  adapter?: WebGpuAdapter;
}

/**
 * Run before committing to a backend: one forward and backward pass of the real model on a tiny batch. Throws
 * if a kernel the run needs is missing on the backend (e.g. wasm has no Conv2DBackpropFilter).
 */
export type KernelProbe = () => void;

const require = createRequire(import.meta.url);
// tfjs's console banners ("install tfjs-node", kernel re-registration notes) would clutter every command's output;
// the chosen backend and the reason are reported by the harness instead.
tf.env().set('PROD', true);
const nativeProviders = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function tryNative(): Promise<{ provider: string } | { error: string }> {
  const errors: string[] = [];
  for (const pkg of nativeProviders) {
    try {
      await import(pkg);
      if (await tf.setBackend('tensorflow')) return { provider: pkg };
      errors.push(`${pkg}: loaded but its backend did not initialise`);
    } catch (e) {
      errors.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  return { error: errors.join('; ') };
}

async function tryOrtCpu(): Promise<{ ok: true } | { error: string }> {
  try {
    // The fast CPU path lives in its own module so that a machine without onnxruntime-node still starts.
    const mod = (await import('@facelossbench/tfjs-backend-ort-cpu')) as {
      ortCpuAvailable(): boolean;
      registerOrtCpuBackend(): Promise<void>;
    };
    if (!mod.ortCpuAvailable()) return { error: 'onnxruntime-node is not loadable' };
    await mod.registerOrtCpuBackend();
    if (await tf.setBackend('ort-cpu')) return { ok: true };
    return { error: 'ort-cpu backend did not initialise' };
  } catch (e) {
    return { error: firstLine(e) };
  }
}

async function tryWasm(): Promise<{ ok: true } | { error: string }> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
    wasm.setWasmPaths(`${dirname(wasmFile)}/`);
    if (await tf.setBackend('wasm')) return { ok: true };
    return { error: 'wasm backend did not initialise' };
  } catch (e) {
    return { error: firstLine(e) };
  }
}

async function tryCpu(): Promise<{ ok: true } | { error: string }> {
  return (await tf.setBackend('cpu')) ? { ok: true } : { error: 'cpu backend did not initialise' };
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0] ?? msg;
}

/** Runs the probe; returns the missing-kernel message if it fails, null if the backend can do the work. */
function probeFails(probe: KernelProbe | undefined): string | null {
  if (!probe) return null;
  try {
    tf.tidy(probe);
    return null;
  } catch (e) {
    return firstLine(e);
  }
}

const pureCandidates = [
  { name: 'ort-cpu', provider: 'onnxruntime-node (MLAS) kernels in tfjs-backend-cpu', init: tryOrtCpu },
  { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', init: tryWasm },
  { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu', init: tryCpu },
] as const;

/**
 * Chooses and activates the backend. `auto`: tfjs-node-gpu, then tfjs-node, then the fastest pure backend on
 * which `probe` (one training step of the real model on a tiny batch) runs — so a backend that lacks a kernel
 * is rejected here, before the run starts, and never in the middle of it.
 */
export async function initEngine(requested: BackendChoice = 'auto', probe?: KernelProbe): Promise<EngineInfo> {
  const info = (backend: string, provider: string, reason: string): EngineInfo => ({
    requested,
    backend,
    provider,
    reason,
    tfjsVersion: tf.version.tfjs,
  });

  if (requested === 'tensorflow' || requested === 'auto') {
    const native = await tryNative();
    if ('provider' in native) {
      const failure = probeFails(probe);
      if (!failure) return info('tensorflow', native.provider, `${native.provider} loaded (native TensorFlow)`);
      if (requested === 'tensorflow') throw new UserError(`backend 'tensorflow' cannot run this model: ${failure}`);
    } else if (requested === 'tensorflow') {
      throw new UserError(
        `backend 'tensorflow' is not available: ${native.error}. Install @tensorflow/tfjs-node (or -gpu) where its ` +
          `native library can be downloaded, or choose --backend auto|ort-cpu|wasm|cpu`,
      );
    }
  }

  const skipped: string[] = [];
  if (requested === 'webgpu' || requested === 'auto') {
    // Its own module, loaded only here: a machine where Dawn cannot load never touches it.
    const { chooseWebGpu } = await import('./webgpu/engine-candidate.js');
    const gpu = await chooseWebGpu(requested, probeFails.bind(null, probe));
    if ('adapter' in gpu) return { ...info('webgpu', gpu.provider, gpu.reason), adapter: gpu.adapter };
    if (requested === 'webgpu') throw new UserError(gpu.refusal);
    skipped.push(`webgpu: ${gpu.refusal}`);
  }
  for (const candidate of pureCandidates) {
    if (requested !== 'auto' && requested !== candidate.name) continue;
    const ready = await candidate.init();
    if ('error' in ready) {
      if (requested !== 'auto') throw new UserError(`backend '${candidate.name}' is not available: ${ready.error}`);
      skipped.push(`${candidate.name}: ${ready.error}`);
      continue;
    }
    const failure = probeFails(probe);
    if (failure) {
      if (requested !== 'auto') {
        throw new UserError(`backend '${candidate.name}' cannot run this model: ${failure}`);
      }
      skipped.push(`${candidate.name}: ${failure}`);
      continue;
    }
    const reason =
      requested === 'auto'
        ? `auto: tfjs-node unavailable; chose ${candidate.name}${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}`
        : `requested with --backend ${candidate.name}`;
    return info(candidate.name, candidate.provider, reason);
  }
  throw new UserError(`no tfjs backend can run this model: ${skipped.join('; ')}`);
}

/** Names of backends present on this machine that `initEngine` can activate (used to run tests on each). */
export async function availableBackends(): Promise<string[]> {
  const present: string[] = [];
  for (const candidate of pureCandidates) {
    const ready = await candidate.init();
    if (!('error' in ready)) present.push(candidate.name);
  }
  const native = await tryNative();
  if ('provider' in native) present.push('tensorflow');
  await tf.setBackend('cpu');
  return present;
}
