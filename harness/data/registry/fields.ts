import { UserError } from '../../core/errors.js';

/**
 * Readers for fields of datasets.json: each checks one value and, when it is wrong, throws a UserError that
 * names where it is (`where`, e.g. `datasets.json: datasets[3] ("lfw").files`) and what was expected.
 */

/** A count given either exactly or as an inclusive range [min, max]. */
export type CountRange = number | [number, number];

export function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UserError(`${where}: expected an object`);
  return value as Record<string, unknown>;
}

export function num(value: unknown, where: string, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new UserError(`${where}: expected a number in ${lo}..${hi}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function int(value: unknown, where: string, lo: number, hi: number): number {
  const v = num(value, where, lo, hi);
  if (!Number.isInteger(v)) throw new UserError(`${where}: expected an integer, got ${v}`);
  return v;
}

export function range(value: unknown, where: string, lo: number, hi: number): CountRange {
  if (typeof value === 'number') return int(value, where, lo, hi);
  if (!Array.isArray(value) || value.length !== 2) throw new UserError(`${where}: expected an integer or a range [min, max]`);
  const a = int(value[0], `${where}[0]`, lo, hi);
  const b = int(value[1], `${where}[1]`, lo, hi);
  if (a > b) throw new UserError(`${where}: range [${a}, ${b}] has min > max`);
  return [a, b];
}

export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new UserError(`${where}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
