import type * as tf from '@tensorflow/tfjs';

/**
 * The messages between the main thread's 'webgpu' tfjs backend (proxy-backend.ts) and the worker that owns the
 * Dawn device (gpu-worker.ts). Tensors live in the worker; the main thread names them by number.
 */

/** Which device limits to request. 'adapter': every limit the adapter has (what tfjs's shaders need). */
export type DeviceLimits = 'adapter' | 'default';

/**
 * Where Dawn looks for an adapter: 'platform' is Vulkan on Linux, Metal on macOS, D3D12 on Windows, where a
 * GPU's own driver answers; 'opengles' is Dawn's OpenGL ES backend (Mesa's llvmpipe on a machine without a GPU).
 */
export type DawnBackend = 'platform' | 'opengles';

export interface StartOptions {
  /** Tried in this order; the first adapter found is used. */
  dawnBackends: DawnBackend[];
  /** 'default' only for tests that need a device on which tfjs computes wrong numbers. */
  deviceLimits: DeviceLimits;
}

/** What the run records about the GPU it trained on (config.json's engine.adapter). */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend the adapter came from. */
  dawnBackend: DawnBackend;
  featureLevel: 'core' | 'compatibility';
  /** A CPU renderer (llvmpipe, lavapipe, SwiftShader, WARP) rather than a GPU. */
  software: boolean;
  /** Why it counts as software, e.g. 'the CPU renderer llvmpipe'; null for a GPU. */
  softwareReason: string | null;
}

export type WorkerRequest =
  | { op: 'write'; id: number; values: tf.backend_util.BackendValues; shape: number[]; dtype: tf.DataType }
  | { op: 'dispose'; id: number }
  /** `inputs` is a list for the kernels tfjs calls with one (Concat, AddN, Pack), else named. */
  | { op: 'kernel'; name: string; inputs: number[] | Record<string, number | null>; attrs: tf.NamedAttrMap; firstId: number }
  | { op: 'read'; id: number };

/** Every reply may carry the device's validation errors since the last reply: results after one are not trusted. */
export type WorkerReply =
  | { ok: true; outputs?: { shape: number[]; dtype: tf.DataType }[]; single?: boolean; values?: tf.backend_util.BackendValues; deviceErrors: string[] }
  | { ok: false; error: string; deviceErrors: string[] };

export type StartReply =
  | { ok: true; adapter: AdapterSummary; kernels: string[] }
  | { ok: false; error: string; tried: string[]; noAdapter: boolean };
