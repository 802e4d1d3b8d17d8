import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../harness/core/errors.js';
import { writeDirAtomic, writeFileAtomic } from '../harness/core/atomic-write.js';
import { writeStreamedAtomic } from '../harness/core/file-io.js';
import { makeDir } from '../harness/core/output-path.js';
import { lockSweepFolder } from '../harness/sweep/sweep-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-output-path-'));

/** Runs `body` and returns what it threw and how long it took (a hang would hit ava's timeout instead). */
function timedThrow(body: () => void): { error: unknown; ms: number } {
  const started = Date.now();
  try {
    body();
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  return { error: undefined, ms: Date.now() - started };
}

test('a folder under /proc fails at once, naming it (Node\'s recursive mkdir loops forever there)', (t) => {
  // /proc answers ENOENT for mkdir of a new child and EEXIST for /proc itself: the pair Node retries endlessly.
  const { error, ms } = timedThrow(() => makeDir(`/proc/flb-test-${process.pid}/run`, 'output folder (--out)'));
  t.true(error instanceof UserError);
  t.regex((error as Error).message, new RegExp(`^/proc/flb-test-${process.pid}/run: cannot create the output folder \\(--out\\) \\(creating /proc/flb-test-${process.pid}\\): `));
  t.true(ms < 1000, `took ${ms} ms`);
  // The same through the atomic writers every output goes through.
  t.throws(() => writeFileAtomic(`/proc/flb-test-${process.pid}/config.json`, '{}'), { instanceOf: UserError, message: /^\/proc\/flb-test-\d+: cannot create the folder: / });
  t.throws(() => writeStreamedAtomic(`/proc/flb-test-${process.pid}/x.npy`, () => {}), { instanceOf: UserError });
  t.throws(() => lockSweepFolder(`/proc/flb-test-${process.pid}`), { instanceOf: UserError, message: /cannot create the sweep folder/ });
});

test('an existing file where a folder should be is named, as is a file further up the path', async (t) => {
  const file = join(dir, 'README.md');
  writeFileSync(file, 'not a folder');
  t.throws(() => makeDir(file, 'output folder (--out)'), { instanceOf: UserError, message: `${file}: cannot create the output folder (--out): it is a file, not a folder` });
  t.throws(() => makeDir(join(file, 'run', 'x')), { instanceOf: UserError, message: `${join(file, 'run', 'x')}: cannot create the folder: ${file} is a file, not a folder` });
  t.throws(() => writeFileAtomic(join(file, 'status.json'), '{}'), { instanceOf: UserError, message: /README\.md is a file, not a folder|it is a file, not a folder/ });
  // A folder written as a whole (a report, a checkpoint) replaces a folder, never a file of the user's.
  await t.throwsAsync(writeDirAtomic(file, () => {}), { instanceOf: UserError, message: `${file}: is a file; expected a folder to write into (or none yet)` });
  t.is(readFileSync(file, 'utf8'), 'not a folder', 'the file is left as it was');
});

test('a folder the file system refuses (sysfs: no new entries, even for root) is a UserError with the reason in words', (t) => {
  if (!existsSync('/sys/kernel')) return t.pass('no sysfs here');
  const { error } = timedThrow(() => makeDir(`/sys/flb-test-${process.pid}`, 'report folder (--out)'));
  t.true(error instanceof UserError);
  // EPERM, EACCES or EROFS depending on how /sys is mounted: each is said in words, never as a raw errno line.
  t.regex((error as Error).message, /: cannot create the report folder \(--out\): (permission denied|read-only file system)$/);
});

test('missing parents are made one level at a time, and an existing folder is fine', (t) => {
  const deep = join(dir, 'a', 'b', 'c');
  makeDir(deep);
  t.true(statSync(deep).isDirectory());
  t.notThrows(() => makeDir(deep));
  writeFileAtomic(join(dir, 'x', 'y', 'z.json'), '{"ok":1}');
  t.is(readFileSync(join(dir, 'x', 'y', 'z.json'), 'utf8'), '{"ok":1}');
});
