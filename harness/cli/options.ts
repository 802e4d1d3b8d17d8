import { InvalidArgumentError } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../engine/backend-names.js';
import type { ProgressMode } from '../core/progress.js';

/** Option parsers shared by the commands: each rejects a bad value with a message naming what was expected. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got '${value}'`);
    }
    return n;
  };
}

export function numberOption(min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

export function backendOption(value: string): BackendChoice {
  if (!(BACKEND_CHOICES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${BACKEND_CHOICES.join(', ')}, got '${value}'`);
  }
  return value as BackendChoice;
}

/** For repeatable options such as --param k=v. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function progressModeFrom(opts: { quiet?: boolean; json?: boolean }): ProgressMode {
  return opts.quiet || opts.json ? 'quiet' : 'auto';
}
