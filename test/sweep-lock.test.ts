import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockSweepFolder } from '../harness/sweep/sweep-lock.js';

test('a sweep folder is locked while a live process sweeps it; a lock left by a dead process is taken over and released', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flb-sweep-lock-'));
  const lock = join(dir, '.sweep.lock');

  writeFileSync(lock, String(process.ppid)); // a process that is certainly alive: the one that started this test
  t.throws(() => lockSweepFolder(dir), { message: new RegExp(`is being swept by process ${process.ppid}; wait for it`) });

  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // has exited by now
  writeFileSync(lock, String(dead));
  const unlock = lockSweepFolder(dir);
  t.is(readFileSync(lock, 'utf8'), String(process.pid));
  unlock();
  t.false(existsSync(lock));
});
