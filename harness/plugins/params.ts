import { UserError } from '../core/errors.js';
import type { ParamValue } from '../run-store/run-definition.js';

/** A tunable parameter. `default: null` means "derived when the head is created" (e.g. from the class count). */
export interface ParamSpec {
  default: number | boolean | null;
  min?: number;
  max?: number;
  /** Only whole numbers are accepted. */
  integer?: boolean;
  doc: string;
}
export type ParamSpecs = Record<string, ParamSpec>;

/** Parameter values as the plugin receives them, typed from its specs. */
export type ParamValues<P extends ParamSpecs> = {
  [K in keyof P]: P[K]['default'] extends boolean ? boolean : P[K]['default'] extends null ? number | null : number;
};

/** Parameter values as given: strings from a command line (`--param m=.3`), numbers and booleans from a config. */
export type RawParams = Record<string, string | number | boolean | null>;
/** Parameter values parsed and checked against the plugin's specs, every default filled in. */
export type ResolvedParams = Record<string, ParamValue>;

/** Parses repeated `--param k=v` flags. */
export function parseParamFlags(flags: readonly string[]): RawParams {
  const out: RawParams = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--param '${flag}': expected key=value, e.g. --param m=0.5`);
    out[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return out;
}

/**
 * Checks given values against a plugin's specs and fills in defaults. Every problem names the parameter, what
 * was given and what is allowed.
 */
export function resolveParams(owner: string, specs: ParamSpecs, given: RawParams): ResolvedParams {
  for (const key of Object.keys(given)) {
    if (!(key in specs)) {
      const known = Object.keys(specs);
      throw new UserError(
        `${owner}: unknown parameter '${key}'; ${known.length ? `allowed: ${known.join(', ')}` : 'it takes no parameters'}`,
      );
    }
  }
  const out: ResolvedParams = {};
  for (const [key, spec] of Object.entries(specs)) {
    const raw = given[key];
    out[key] = raw === undefined ? spec.default : parseValue(owner, key, spec, raw);
  }
  return out;
}

function parseValue(owner: string, key: string, spec: ParamSpecs[string], raw: string | number | boolean | null) {
  if (typeof spec.default === 'boolean') {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new UserError(`${owner}: parameter '${key}' must be true or false, got '${raw}'`);
  }
  if (raw === null || raw === 'auto') {
    if (spec.default === null) return null;
    throw new UserError(`${owner}: parameter '${key}' needs a number, got '${raw}'`);
  }
  const value = typeof raw === 'number' ? raw : raw === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) throw new UserError(`${owner}: parameter '${key}' must be a finite number, got '${raw}'`);
  const range = `[${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]`;
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    throw new UserError(`${owner}: parameter '${key}' = ${value} is out of range; allowed ${range}`);
  }
  if (spec.integer && !Number.isInteger(value)) {
    throw new UserError(`${owner}: parameter '${key}' must be a whole number in ${range}, got ${value}`);
  }
  return value;
}
