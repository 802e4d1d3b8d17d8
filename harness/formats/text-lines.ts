import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { readTextFile } from '../core/read-file.js';

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
  const text = readTextFile(path, what);
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

/**
 * Parses a whitespace-separated table of integers straight from the bytes, one typed array per column,
 * for files too long to split into strings (IJB-C's 15.7M template pairs). `columns` names each field in
 * error messages; a line with another number of fields or a non-integer is reported with its line number.
 */
export function readIntColumns(path: string, what: string, columns: readonly string[]): Int32Array[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${what} not found: ${path}`);
    throw e;
  }
  let capacity = 1024;
  let out = columns.map(() => new Int32Array(capacity));
  let rows = 0;
  let line = 1;
  let field = 0;
  let value = 0;
  let negative = false;
  let inNumber = false;
  const layout = `${columns.length} integers (${columns.join(' ')})`;
  const lineText = (at: number) => {
    const start = bytes.lastIndexOf(0x0a, at - 1) + 1;
    const end = bytes.indexOf(0x0a, at);
    return Buffer.from(bytes.subarray(start, end < 0 ? bytes.length : end)).toString('utf8').trim();
  };
  const endField = (at: number) => {
    if (field >= columns.length) throw new UserError(`${path}:${line}: expected ${layout}; got more fields: "${lineText(at)}"`);
    if (value > 0x7fffffff) throw new UserError(`${path}:${line}: ${columns[field]} is too large: "${lineText(at)}"`);
    out[field][rows] = negative ? -value : value;
    field++;
    value = 0;
    negative = false;
    inNumber = false;
  };
  for (let i = 0; i <= bytes.length; i++) {
    const c = i < bytes.length ? bytes[i] : 0x0a;
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      inNumber = true;
    } else if (c === 0x2d && !inNumber && !negative) {
      negative = true;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) {
      if (inNumber) endField(i);
      else if (negative) throw new UserError(`${path}:${line}: ${columns[field] ?? 'field'} is not an integer: "${lineText(i)}"`);
      if (c === 0x0a) {
        if (field > 0) {
          if (field !== columns.length) throw new UserError(`${path}:${line}: expected ${layout}; got ${field}: "${lineText(i - 1)}"`);
          rows++;
          if (rows === capacity) {
            capacity *= 2;
            out = out.map((col) => {
              const grown = new Int32Array(capacity);
              grown.set(col);
              return grown;
            });
          }
        }
        field = 0;
        line++;
      }
    } else {
      throw new UserError(`${path}:${line}: ${columns[field] ?? 'an extra field'} is not an integer: "${lineText(i)}"`);
    }
  }
  return out.map((col) => col.slice(0, rows));
}
