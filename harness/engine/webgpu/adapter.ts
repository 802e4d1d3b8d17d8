/// <reference types="@webgpu/types" />
import { softwareRenderer, type AdapterIdentity } from './adapter-kind.js';
import type { AdapterSummary, DawnBackend, DeviceLimits } from './protocol.js';

/**
 * Finding a WebGPU adapter through Dawn (the `webgpu` npm package, whose dawn.node ships in the package). Runs in
 * the worker thread that will own the device.
 */

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

/**
 * How Dawn is asked for each backend. The platform's (Vulkan, Metal, D3D12) offers WebGPU's full feature level.
 * OpenGL ES is offered only at the 'compatibility' level; on a machine without a GPU it is Mesa's llvmpipe, the
 * software renderer this project's CI runs on (Dawn refuses Mesa's Vulkan software renderer, lavapipe:
 * "shaderUniform*ArrayDynamicIndexing required").
 */
const DAWN_REQUESTS: Record<DawnBackend, { options: string[]; featureLevel: 'core' | 'compatibility' }> = {
  platform: { options: [], featureLevel: 'core' },
  opengles: { options: ['backend=opengles'], featureLevel: 'compatibility' },
};

export interface FoundDevice {
  gpu: GPU;
  device: GPUDevice;
  info: GPUAdapterInfo;
  summary: AdapterSummary;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/** Loads dawn.node; its globals (GPUBufferUsage, ...) are what tfjs-backend-webgpu expects on globalThis. */
export async function loadDawn(): Promise<DawnModule> {
  const specifier: string = 'webgpu'; // a variable: the optional package may be absent at type-check time
  const dawn = (await import(specifier)) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  return dawn;
}

/**
 * The first adapter that is not Dawn's null backend, and a device on it. `limits: 'adapter'` requests every limit
 * the adapter has: tfjs's reduction shaders use 256-wide workgroups, and under the compatibility defaults
 * (128) their pipelines fail validation and the reductions read back zeros without any exception.
 */
export async function findDevice(dawn: DawnModule, backends: readonly DawnBackend[], limits: DeviceLimits): Promise<FoundDevice | { tried: string[] }> {
  const tried: string[] = [];
  for (const dawnBackend of backends) {
    const attempt = { dawnBackend, ...DAWN_REQUESTS[dawnBackend] };
    let gpu: GPU;
    try {
      gpu = dawn.create(attempt.options);
    } catch (e) {
      tried.push(`${attempt.dawnBackend}: ${firstLine(e)}`);
      continue;
    }
    const adapter = await gpu
      .requestAdapter({ powerPreference: 'high-performance', featureLevel: attempt.featureLevel } as GPURequestAdapterOptions)
      .catch(() => null);
    if (!adapter) {
      tried.push(`${attempt.dawnBackend}: no adapter`);
      continue;
    }
    const info = adapter.info;
    if (info.device === 'null-backend') {
      tried.push(`${attempt.dawnBackend}: only Dawn's null backend`);
      continue;
    }
    const requiredLimits: Record<string, number> = {};
    if (limits === 'adapter') {
      for (const key in adapter.limits) {
        const value = (adapter.limits as unknown as Record<string, unknown>)[key];
        if (typeof value === 'number') requiredLimits[key] = value;
      }
    }
    try {
      const device = await adapter.requestDevice({ requiredLimits });
      return { gpu, device, info, summary: summarize(info, attempt.dawnBackend, attempt.featureLevel) };
    } catch (e) {
      tried.push(`${attempt.dawnBackend}: the adapter refused a device: ${firstLine(e)}`);
    }
  }
  return { tried };
}

function summarize(info: GPUAdapterInfo, dawnBackend: DawnBackend, featureLevel: 'core' | 'compatibility'): AdapterSummary {
  const id: AdapterIdentity = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: (info as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  };
  const software = softwareRenderer(id);
  return {
    vendor: id.vendor,
    architecture: id.architecture,
    device: id.device,
    description: id.description,
    dawnBackend,
    featureLevel,
    software: software !== null,
    softwareReason: software,
  };
}
