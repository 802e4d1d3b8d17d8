import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { makeDir, writeError } from '../core/output-path.js';

/**
 * One sweep process per sweep folder: two would train the same runs into the same directories. The lock
 * file holds the owner's pid; a lock left by a process that no longer exists (killed) is taken over.
 */
export function lockSweepFolder(dir: string): () => void {
  makeDir(dir, 'sweep folder');
  const path = join(dir, '.sweep.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(e, path, 'sweep lock');
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new UserError(`${dir} is being swept by process ${owner}; wait for it to finish (or stop it) and run again`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`${path}: could not take the sweep lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
