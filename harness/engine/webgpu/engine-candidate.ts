import { adapterName, startWebGpu, WEBGPU_BACKEND, type AdapterSummary } from './index.js';

/**
 * How 'webgpu' enters the engine's backend choice (harness/engine.ts). Asked for by name, it takes any adapter
 * Dawn finds, a software renderer included. Under `auto` it comes right after tfjs-node, but only on a GPU: a
 * software renderer is a CPU path, slower than ort-cpu (README: bench:train), so `auto` never takes one.
 * Either way the adapter must compute the cpu backend's numbers and run the model's kernels before it is used.
 */

export type WebGpuAdapter = AdapterSummary;

export const WEBGPU_PROVIDER = '@tensorflow/tfjs-backend-webgpu on Dawn (the webgpu package)';

export type WebGpuChoice = { adapter: AdapterSummary; provider: string; reason: string } | { refusal: string };

/** Why `auto` passes over this adapter, or null when it may use it. */
export function autoPassesOver(adapter: AdapterSummary): string | null {
  return adapter.software ? `${adapterName(adapter)} is ${adapter.softwareReason}; auto never prefers it to a CPU backend` : null;
}

/**
 * Starts and checks the 'webgpu' backend, leaving it active when it is chosen. `kernelProbeFails` runs the
 * engine's kernel probe (forward and backward of the real model) and returns its failure, if any.
 */
export async function chooseWebGpu(requested: 'webgpu' | 'auto', kernelProbeFails: () => string | null): Promise<WebGpuChoice> {
  const explicit = requested === 'webgpu';
  const session = await startWebGpu(WEBGPU_BACKEND, { search: explicit ? 'all' : 'gpu-drivers', deviceLimits: 'adapter' });
  if ('error' in session) {
    return { refusal: explicit ? `backend 'webgpu' is not available: ${session.error}` : session.error };
  }
  const { adapter } = session;
  const name = adapterName(adapter);
  const refuse = (why: string): WebGpuChoice => {
    session.stop();
    return { refusal: explicit ? `backend 'webgpu' ${why}` : why };
  };
  const passOver = explicit ? null : autoPassesOver(adapter);
  if (passOver) return refuse(passOver);
  const wrong = await session.verify();
  if (wrong) return refuse(`refused: the adapter ${name} computes wrong numbers, so a run on it would silently go wrong: ${wrong}`);
  const failure = kernelProbeFails();
  if (failure) return refuse(`cannot run this model: ${failure}`);
  const on = adapter.software
    ? `the software adapter ${name} (${adapter.softwareReason}: a check of the GPU path, not GPU speed)`
    : `the GPU ${name}`;
  const reason = explicit ? `requested with --backend webgpu; on ${on}` : `auto: tfjs-node unavailable; chose webgpu on ${on}`;
  return { adapter, provider: WEBGPU_PROVIDER, reason };
}
