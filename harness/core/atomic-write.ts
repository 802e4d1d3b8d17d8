import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { UserError } from './errors.js';
import { dirname, join, basename } from 'node:path';
import { makeDir, writeError } from './output-path.js';

/** A temporary name next to `path`, on the same filesystem so the final rename is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/**
 * Writes a file under a temporary name and renames it into place, so readers never see half a file. A path
 * that cannot be written (a file where a folder should be, no permission, a full disk) is a UserError naming it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDir(dirname(path));
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(e, path);
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Builds a directory under a temporary name and swaps it into place once `fill` has written it completely;
 * a crash in the middle leaves the previous directory (if any) intact.
 */
export async function writeDirAtomic(path: string, fill: (tmpDir: string) => Promise<void> | void): Promise<void> {
  // The swap replaces a folder as a whole; a file there (`--out README.md`) is the user's, not ours to replace.
  if (existsSync(path) && !statSync(path).isDirectory()) throw new UserError(`${path}: is a file; expected a folder to write into (or none yet)`);
  const tmp = tempPathFor(path);
  makeDir(tmp);
  try {
    await fill(tmp);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = `${tmp}.old`;
  let hadOld = false;
  try {
    renameSync(path, old);
    hadOld = true;
  } catch {
    // no previous directory
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    if (hadOld) renameSync(old, path);
    rmSync(tmp, { recursive: true, force: true });
    throw writeError(e, path, 'folder');
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
