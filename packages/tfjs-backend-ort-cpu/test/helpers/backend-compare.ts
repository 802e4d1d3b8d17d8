import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { ortCpuAvailable, registerOrtCpuBackend } from '../../src/index.js';

/** Shared by the backend-*.test.ts files: run one computation on 'cpu' and on 'ort-cpu' and compare. */

export const RELATIVE_TOLERANCE = 1e-4;

export async function ortBackendReady(): Promise<boolean> {
  if (!ortCpuAvailable()) return false;
  await registerOrtCpuBackend();
  return true;
}

export type Nested = number | Nested[];

/** Runs `compute` with `backend` active and returns plain arrays, so nothing outlives the backend switch. */
export async function onBackend(backend: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<Nested[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = compute();
    return (Array.isArray(out) ? out : [out]).map((t) => t.arraySync() as Nested);
  });
}

function flatten(x: Nested, into: number[] = []): number[] {
  if (Array.isArray(x)) for (const v of x) flatten(v, into);
  else into.push(x);
  return into;
}

/** max |ours − reference| / max |reference|: the error relative to the result's scale. */
export function relativeError(ours: Nested, reference: Nested): number {
  const a = flatten(ours);
  const b = flatten(reference);
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

export interface Rng {
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  /** Plain nested-free data for a tensor: values in [-1, 1). */
  values(n: number): Float32Array;
}

export function makeRng(seed: string): Rng {
  const r = seedrandom(seed);
  return {
    int: (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(r() * xs.length)],
    values: (n) => Float32Array.from({ length: n }, () => 2 * r() - 1),
  };
}
