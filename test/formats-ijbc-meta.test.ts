import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readIjbcFaceTidMid,
  readIjbcLandmarks,
  readIjbcTemplatePairs,
  writeIjbcFaceTidMid,
  writeIjbcLandmarks,
  writeIjbcTemplatePairs,
} from '../harness/formats/ijbc-meta.js';
import { UserError } from '../harness/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-ijbc-'));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('face/template/media file', (t) => {
  const p = write('ijbc_face_tid_mid.txt', '1.jpg 1 69544\n2.jpg 1 3720\r\n3.jpg 2 69544\n');
  const faces = readIjbcFaceTidMid(p);
  t.deepEqual(faces, [
    { image: '1.jpg', template: 1, media: 69544 },
    { image: '2.jpg', template: 1, media: 3720 },
    { image: '3.jpg', template: 2, media: 69544 },
  ]);
  const out = join(dir, 'faces-out.txt');
  writeIjbcFaceTidMid(out, faces);
  t.is(readFileSync(out, 'utf8'), '1.jpg 1 69544\n2.jpg 1 3720\n3.jpg 2 69544\n');
  const bad = write('bad-faces.txt', '1.jpg 1 69544\n2.jpg one 3720\n');
  t.throws(() => readIjbcFaceTidMid(bad), { instanceOf: UserError, message: /bad-faces\.txt:2: template id 'one' is not an integer/ });
  const short = write('short-faces.txt', '1.jpg 1\n');
  t.throws(() => readIjbcFaceTidMid(short), { instanceOf: UserError, message: /short-faces\.txt:1: expected "image template_id media_id"; got 2 fields/ });
});

test('template pairs: columns, growth past the initial capacity, round trip', (t) => {
  const n = 5000;
  const lines = Array.from({ length: n }, (_, i) => `${i + 1} ${11065 + i} ${i % 3 === 0 ? 1 : 0}`);
  const p = write('ijbc_template_pair_label.txt', lines.join('\n') + '\n');
  const pairs = readIjbcTemplatePairs(p);
  t.is(pairs.t1.length, n);
  t.deepEqual([pairs.t1[0], pairs.t2[0], pairs.label[0]], [1, 11065, 1]);
  t.deepEqual([pairs.t1[4999], pairs.t2[4999], pairs.label[4999]], [5000, 16064, 0]);
  t.is(pairs.label.reduce((a, b) => a + b, 0), Math.ceil(n / 3));
  const out = join(dir, 'pairs-out.txt');
  writeIjbcTemplatePairs(out, pairs);
  t.is(readFileSync(out, 'utf8'), lines.join('\n') + '\n');
  // Tabs, CRLF, a missing final newline and blank lines are tolerated.
  t.deepEqual(Array.from(readIjbcTemplatePairs(write('tabs.txt', '3\t4\t1\r\n\n5 6 0')).t2), [4, 6]);
});

test('template pair errors name the line', (t) => {
  const fields = write('pairs-fields.txt', '1 2 1\n3 4\n');
  t.throws(() => readIjbcTemplatePairs(fields), { instanceOf: UserError, message: /pairs-fields\.txt:2: expected 3 integers \(template1 template2 label\); got 2: "3 4"/ });
  const text = write('pairs-text.txt', '1 2 1\n3 4 1\n5 x6 0\n');
  t.throws(() => readIjbcTemplatePairs(text), { instanceOf: UserError, message: /pairs-text\.txt:3: template2 is not an integer: "5 x6 0"/ });
  const extra = write('pairs-extra.txt', '1 2 1 9\n');
  t.throws(() => readIjbcTemplatePairs(extra), { instanceOf: UserError, message: /pairs-extra\.txt:1: .*more fields/ });
  const label = write('pairs-label.txt', '1 2 1\n3 4 2\n');
  t.throws(() => readIjbcTemplatePairs(label), { instanceOf: UserError, message: /pairs-label\.txt: pair 2 \(3 4\) has label 2/ });
});

test('five-point landmarks with faceness score', (t) => {
  const line = '1.jpg 38.2946 51.6963 73.5318 51.5014 56.0252 71.7366 41.5493 92.3655 70.7299 92.2041 0.99';
  const p = write('ijbc_name_5pts_score.txt', line + '\n');
  const [lm] = readIjbcLandmarks(p);
  t.is(lm.image, '1.jpg');
  t.deepEqual(lm.points, [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
  ]);
  t.is(lm.score, 0.99);
  const out = join(dir, 'lm-out.txt');
  writeIjbcLandmarks(out, [lm]);
  t.is(readFileSync(out, 'utf8'), line + '\n');
  const bad = write('lm-bad.txt', line + '\n2.jpg 1 2 3 4 5 6 7 8 9 nan 0.5\n');
  t.throws(() => readIjbcLandmarks(bad), { instanceOf: UserError, message: /lm-bad\.txt:2: y5 'nan' is not a finite number/ });
  const short = write('lm-short.txt', '2.jpg 1 2 3\n');
  t.throws(() => readIjbcLandmarks(short), { instanceOf: UserError, message: /lm-short\.txt:1: expected .*12 fields.*got 4 fields/ });
});
