import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { readFileSync } from 'node:fs';
import { UserError } from './errors.js';

/**
 * Reading the files users hand us (configs, lists, registries, run files) with one clear error each: a missing
 * file, a directory or an unreadable file names the path and what it was expected to be, and a JSON syntax error
 * says line and column.
 */

/** The file's text; `what` names its role in the error, e.g. 'sweep config' or 'LFW pairs file'. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw readError(e, path, what);
  }
}

/** What a failed open or read of `path` says: the user's error where the path is wrong, else the error itself. */
export function readError(e: unknown, path: string, what: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${what} not found: ${path}`);
  if (code === 'EISDIR') return new UserError(`${path}: is a directory; expected the ${what}`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${path}: permission denied reading the ${what}`);
  return e;
}

/** The parsed JSON of `text` (read from `path`); a syntax error becomes "path:line:column: …". */
export function parseJsonText(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where (Node 20: "Unexpected token '}', … is not valid JSON"); a scanning
    // parser run on the failing text does.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first ? first.offset : text.length;
    const before = text.slice(0, offset).split('\n');
    const detail = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : (e as Error).message;
    throw new UserError(`${path}:${before.length}:${before[before.length - 1]!.length + 1}: not valid JSON (${detail}); expected the ${what}`);
  }
}

/** The parsed JSON content of a file, with `readTextFile`'s and `parseJsonText`'s errors. */
export function readJsonFile(path: string, what: string): unknown {
  return parseJsonText(readTextFile(path, what), path, what);
}
