import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyLookup, keysPathFor, readFeatureSet, writeFeatureSet } from '../harness/formats/feature-set.js';
import { writeNpy } from '../harness/formats/npy.js';
import { UserError } from '../harness/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-fs-'));

function messageOf(t: import('ava').ExecutionContext, fn: () => unknown): string {
  return t.throws(fn, { instanceOf: UserError })?.message ?? '';
}

test('round trip: NAME.npy + NAME.keys.txt', (t) => {
  const npy = join(dir, 'lfw.npy');
  const keys = ['Aaron_Peirsol/Aaron_Peirsol_0001.jpg', 'Aaron_Peirsol/Aaron_Peirsol_0002.jpg', 'Zico/Zico_0003.jpg'];
  const data = new Float32Array([0.5, -1, 2, 0, 3, 4.25]);
  writeFeatureSet(npy, { rows: 3, dim: 2, data, keys });
  t.is(keysPathFor(npy), join(dir, 'lfw.keys.txt'));
  t.is(readFileSync(join(dir, 'lfw.keys.txt'), 'utf8'), keys.join('\n') + '\n');
  const fs = readFeatureSet(npy, { shared: true });
  t.is(fs.rows, 3);
  t.is(fs.dim, 2);
  t.deepEqual(fs.keys, keys);
  t.deepEqual(Array.from(fs.data), Array.from(data));
  t.true(fs.data.buffer instanceof SharedArrayBuffer);
  // No temporary files are left behind.
  t.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), []);
});

test('float16 feature sets and an explicit keys path; CRLF keys without a final newline', (t) => {
  const npy = join(dir, 'half.npy');
  writeNpy(npy, new Float32Array([1, 0.5, -2, 0.25]), [2, 2], { dtype: 'float16' });
  const keysPath = join(dir, 'other-keys.txt');
  writeFileSync(keysPath, 'a.jpg\r\nb.jpg');
  const fs = readFeatureSet(npy, { keysPath });
  t.deepEqual(fs.keys, ['a.jpg', 'b.jpg']);
  t.deepEqual(Array.from(fs.data), [1, 0.5, -2, 0.25]);
});

test('keys and rows disagreeing in count names both counts and both files', (t) => {
  const npy = join(dir, 'mismatch.npy');
  writeNpy(npy, new Float32Array(6), [3, 2]);
  writeFileSync(join(dir, 'mismatch.keys.txt'), 'a\nb\n');
  t.regex(messageOf(t, () => readFeatureSet(npy)), /mismatch\.npy has 3 rows but .*mismatch\.keys\.txt has 2 keys/);
});

test('duplicate key names the key and both lines', (t) => {
  const npy = join(dir, 'dup.npy');
  writeNpy(npy, new Float32Array(6), [3, 2]);
  writeFileSync(join(dir, 'dup.keys.txt'), 'x/1.jpg\ny/2.jpg\nx/1.jpg\n');
  t.regex(messageOf(t, () => readFeatureSet(npy)), /dup\.keys\.txt:3: duplicate key 'x\/1\.jpg' \(first on line 1\)/);
});

test('NaN and infinite features name the key and the row, unless allowed', (t) => {
  const npy = join(dir, 'nan.npy');
  writeNpy(npy, new Float32Array([1, 2, 3, NaN, 5, 6]), [3, 2]);
  writeFileSync(join(dir, 'nan.keys.txt'), 'r0\nr1\nr2\n');
  t.regex(messageOf(t, () => readFeatureSet(npy)), /nan\.npy: row 1 \(key 'r1'.*NaN or infinite/);
  t.true(Number.isNaN(readFeatureSet(npy, { allowNaN: true }).data[3]));
  const inf = join(dir, 'inf.npy');
  writeNpy(inf, new Float32Array([1, 2, 3, 4, 5, -Infinity]), [3, 2]);
  writeFileSync(join(dir, 'inf.keys.txt'), 'r0\nr1\nr2\n');
  t.regex(messageOf(t, () => readFeatureSet(inf)), /row 2 \(key 'r2'/);
});

test('a non-2-D array and a missing keys file are refused clearly', (t) => {
  const npy = join(dir, 'flat.npy');
  writeNpy(npy, new Float32Array(4), [4]);
  writeFileSync(join(dir, 'flat.keys.txt'), 'a\nb\nc\nd\n');
  t.regex(messageOf(t, () => readFeatureSet(npy)), /flat\.npy: feature set must be a 2-D array.*\[4\]/);
  const lonely = join(dir, 'lonely.npy');
  writeNpy(lonely, new Float32Array(4), [2, 2]);
  t.false(existsSync(join(dir, 'lonely.keys.txt')));
  t.regex(messageOf(t, () => readFeatureSet(lonely)), /keys file not found: .*lonely\.keys\.txt/);
});

test('keyLookup finds rows and names a protocol key missing from the feature set', (t) => {
  const lookup = keyLookup({ keys: ['a/a_0001.jpg', 'b/b_0002.jpg'] }, 'lfw.npy');
  t.is(lookup('b/b_0002.jpg', 'pairs.txt:2'), 1);
  t.throws(() => lookup('c/c_0001.jpg', 'pairs.txt:7'), { instanceOf: UserError, message: "pairs.txt:7: key 'c/c_0001.jpg' is missing from the feature set lfw.npy (2 keys)" });
});
