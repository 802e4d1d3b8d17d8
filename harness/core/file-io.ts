import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor } from './atomic-write.js';
import { readError } from './read-file.js';
import { makeDir, writeError } from './output-path.js';

/** Largest single read/write we issue: fs calls are limited to 2 GiB, and smaller chunks keep memory flat. */
export const IO_CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * Reads `target.length` bytes at `position` straight into `target` (no intermediate buffer).
 * Returns the number of bytes read, which is less than requested only at end of file.
 */
export function readFully(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(IO_CHUNK_BYTES, target.length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all of `bytes` to `fd`, in chunks below the 2 GiB limit of one write. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(IO_CHUNK_BYTES, bytes.length - done));
  }
}

/**
 * Streams a file through `fill` under a temporary name and renames it into place when complete, for
 * outputs too large to assemble in one buffer first (writeFileAtomic needs the whole content).
 */
export function writeStreamedAtomic(path: string, fill: (fd: number) => void): void {
  makeDir(dirname(path));
  const tmp = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw writeError(e, path);
  }
  try {
    fill(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(e, path);
  }
}

/** Opens `path` for reading; a missing file is the user's error and is reported as one, naming `what` it is. */
export function openForReading(path: string, what: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw readError(e, path, what);
  }
}
