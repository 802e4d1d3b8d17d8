import { adapterName, startWebGpu, WEBGPU_BACKEND, type AdapterSummary } from './index.js';
import type { DeviceLimits } from './protocol.js';

/**
 * How 'webgpu' enters the engine's backend choice (backend-choice.ts). Asked for by name, it takes any adapter
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

/** What a user can install when no adapter is found. */
const WHERE_ADAPTERS_COME_FROM =
  "A GPU needs its vendor's Vulkan driver (Linux), Metal (macOS) or D3D12 (Windows); without one, Mesa's software " +
  'renderer (Debian: libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri) gives a slow adapter that checks the path';

/**
 * Starts and checks the 'webgpu' backend, leaving it active when it is chosen. `kernelProbeFails` runs the
 * engine's kernel probe (forward and backward of the real model) and returns its failure, if any. `device`
 * names the tfjs backend and the device limits: tests use another name to start a second, wrongly limited device.
 */
export async function chooseWebGpu(
  requested: 'webgpu' | 'auto',
  kernelProbeFails: () => string | null,
  device: { backendName: string; deviceLimits: DeviceLimits } = { backendName: WEBGPU_BACKEND, deviceLimits: 'adapter' },
): Promise<WebGpuChoice> {
  const explicit = requested === 'webgpu';
  const session = await startWebGpu(device.backendName, { search: explicit ? 'all' : 'gpu-drivers', deviceLimits: device.deviceLimits });
  if ('error' in session) {
    if (!explicit) return { refusal: session.error };
    const hint = session.noAdapter ? `. ${WHERE_ADAPTERS_COME_FROM}` : '';
    return { refusal: `backend 'webgpu' is not available: ${session.error}${hint}` };
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
