import { createHash } from 'node:crypto';
import type { RunDefinition } from './run-definition.js';

/** Stable hash of a JSON value (object keys sorted), 12 hex digits. */
export function definitionHash(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 12);
}

/** The run's directory name in a runs folder: `<loss>-<hash of the definition>`. */
export function runId(definition: RunDefinition): string {
  return `${definition.loss.name}-${definitionHash(definition)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
