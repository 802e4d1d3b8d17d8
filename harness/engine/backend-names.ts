/**
 * The --backend choices, apart from the engine that loads them: option parsing and config checks need the names
 * without loading tfjs (which takes seconds, and `flb --help` should not).
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'ort-cpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
