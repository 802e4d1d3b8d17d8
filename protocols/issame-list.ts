import { UserError } from '../harness/core/errors.js';
import { readTextFile } from '../harness/core/read-file.js';

/** A verification label file: one 0/1 (or true/false) per line, pair i's label on line i + 1. */
export function readIssameList(path: string): boolean[] {
  const text = readTextFile(path, 'issame file');
  const lines = text.split('\n');
  if (lines[lines.length - 1].trim() === '') lines.pop();
  return lines.map((raw, i) => {
    const v = raw.trim().toLowerCase();
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
    throw new UserError(`${path}:${i + 1}: expected 0 or 1 (same person or not); got '${raw.trim()}'`);
  });
}
