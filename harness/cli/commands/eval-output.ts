import { writeJsonAtomic } from '../../core/atomic-write.js';
import { UserError } from '../../core/errors.js';

/** What every `flb eval <protocol>` shares: how a result is shown or saved. */
export interface EvalOutputFlags {
  json?: boolean;
  out?: string;
  threads?: number;
  quiet?: boolean;
}

/**
 * --json: exactly one JSON object on stdout; otherwise the readable `table`. --out also writes the JSON to a
 * file, atomically (e.g. a run's eval/<protocol>.json).
 */
export function emitResult(flags: EvalOutputFlags, result: object, table: string): void {
  if (flags.out) writeJsonAtomic(flags.out, result);
  process.stdout.write(flags.json ? JSON.stringify(result) + '\n' : table);
}

/** Two-column text table, values right-aligned. */
export function formatTable(title: string, rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(valueWidth)}`)].join('\n') + '\n';
}

/**
 * The protocol's input flags (needed unless --run provides the inputs), or one error listing every missing
 * one. `names` maps each flag's property to its spelling on the command line.
 */
export function requireFlags<K extends string>(command: string, flags: Partial<Record<NoInfer<K>, string>>, names: Record<K, string>): Record<K, string> {
  const keys = Object.keys(names) as K[];
  const missing = keys.filter((key) => flags[key] === undefined);
  if (missing.length > 0) {
    throw new UserError(`flb eval ${command} needs ${missing.map((key) => names[key]).join(', ')} (or --run DIR --dataset NAME)`);
  }
  return Object.fromEntries(keys.map((key) => [key, flags[key]])) as Record<K, string>;
}

export function percent(x: number, digits = 2): string {
  return `${(100 * x).toFixed(digits)}%`;
}
