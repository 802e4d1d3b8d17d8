import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../atomic-write.js';

/** One non-blank line of a protocol text file, with its 1-based line number for error messages. */
export interface NumberedLine {
  line: number;
  fields: string[];
}

/**
 * Reads a whitespace-separated text file (pairs.txt, the IJB-C meta files), skipping blank lines and, when
 * asked, '#' comments. `what` names the file's role in the "not found" message.
 */
export function readFieldLines(path: string, what: string, opts: { comments?: boolean } = {}): NumberedLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${what} not found: ${path}`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory; expected the ${what}`);
    throw e;
  }
  const out: NumberedLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || (opts.comments && trimmed.startsWith('#'))) return;
    out.push({ line: i + 1, fields: trimmed.split(/\s+/) });
  });
  return out;
}

/** Parses an integer field or throws a UserError naming file, line and field. */
export function intField(path: string, l: NumberedLine, index: number, name: string, opts: { min?: number } = {}): number {
  const text = l.fields[index];
  if (text === undefined || !/^[-+]?\d+$/.test(text)) {
    throw new UserError(`${path}:${l.line}: ${name} '${text ?? ''}' is not an integer`);
  }
  const value = Number(text);
  if (opts.min !== undefined && value < opts.min) throw new UserError(`${path}:${l.line}: ${name} ${value} is below ${opts.min}`);
  return value;
}

/** Parses a decimal field (coordinates, scores) or throws a UserError naming file, line and field. */
export function numberField(path: string, l: NumberedLine, index: number, name: string): number {
  const text = l.fields[index];
  const value = text === undefined ? NaN : Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value)) {
    throw new UserError(`${path}:${l.line}: ${name} '${text ?? ''}' is not a finite number`);
  }
  return value;
}

/** Throws unless the line has exactly `count` fields, describing the expected layout. */
export function expectFieldCount(path: string, l: NumberedLine, counts: readonly number[], layout: string): void {
  if (!counts.includes(l.fields.length)) {
    throw new UserError(`${path}:${l.line}: expected ${layout}; got ${l.fields.length} field${l.fields.length === 1 ? '' : 's'}: "${l.fields.join(' ')}"`);
  }
}

/** Writes rows of fields joined by `separator`, one per line, atomically. */
export function writeFieldLines(path: string, rows: Iterable<readonly (string | number)[]>, separator = ' '): void {
  const parts: string[] = [];
  for (const row of rows) parts.push(row.join(separator) + '\n');
  writeFileAtomic(path, parts.join(''));
}
