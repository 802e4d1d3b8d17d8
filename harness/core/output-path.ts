import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';

/**
 * Creating output folders and turning the file system's refusals into one clear line. Node's own
 * `mkdirSync(p, { recursive: true })` never returns on some paths: under /proc, mkdir answers ENOENT for the
 * child and EEXIST for the parent, and Node retries the pair forever. So folders are made here one level at a
 * time, from the nearest one that exists, each mkdir tried once.
 */

/** Why the file system refused, in words; `code` is the errno name Node gives. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EEXIST':
      return 'already exists';
    case 'ENOENT':
      return 'the file system does not allow creating it here';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return code ? `${code}: ${(e as Error).message}` : String((e as Error)?.message ?? e);
  }
}

/** Errors of the file system that a user's choice of path causes (as opposed to our own bugs). */
export function isPathError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && /^E(ACCES|PERM|ROFS|NOSPC|DQUOT|NOTDIR|ISDIR|EXIST|NOENT|NAMETOOLONG|MFILE|NFILE|IO|BUSY|XDEV|LOOP|INVAL)$/.test(code);
}

/** A UserError for a failed write of `path`; anything that is not a path error is returned as it was. */
export function writeError(e: unknown, path: string, what = 'file'): unknown {
  if (e instanceof UserError || !isPathError(e)) return e;
  return new UserError(`${path}: cannot write the ${what}: ${fsReason(e)}`);
}

function kindOf(path: string): 'dir' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

/**
 * Makes `path` and any missing parents, like `mkdir -p`, with a bound: at most one mkdir per missing level. A
 * refusal becomes a UserError naming `path`, the level that failed and why; `what` names the folder's role
 * (e.g. 'run folder (--out)').
 */
export function makeDir(path: string, what = 'folder'): void {
  const target = resolve(path);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = kindOf(at);
    if (kind === 'dir') break;
    if (kind === 'file') {
      const where = at === target ? 'it is a file' : `${at} is a file`;
      throw new UserError(`${target}: cannot create the ${what}: ${where}, not a folder`);
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break; // the root itself is missing: mkdir below says why
    at = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Made by someone else between our stat and mkdir: fine, as long as it is a folder.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(dir) === 'dir') continue;
      const level = dir === target ? '' : ` (creating ${dir})`;
      throw new UserError(`${target}: cannot create the ${what}${level}: ${fsReason(e)}`);
    }
  }
}

/**
 * The folder a command will write into, made now so that a path that cannot be written fails at once, before
 * any work; `flag` names where the path came from (e.g. '--out').
 */
export function prepareOutputDir(path: string, flag: string): string {
  const dir = resolve(path);
  makeDir(dir, `output folder (${flag})`);
  return dir;
}
