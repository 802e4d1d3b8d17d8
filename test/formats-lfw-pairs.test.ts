import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lfwImageKey, lfwPairKeys, readLfwPairs, writeLfwPairs } from '../harness/formats/lfw-pairs.js';
import { UserError } from '../harness/core/errors.js';
import { sharedDataPath } from './helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-lfw-'));
const REAL_PAIRS = sharedDataPath('lfw', 'pairs.txt');
const REAL_IMAGES = sharedDataPath('lfw', 'lfw-deepfunneled');

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const small = '2\t1\nAbel_Pacheco\t1\t4\nZico\t1\tAaron_Peirsol\t12\nAmy\t2\t3\nBob\t1\tCarl\t2\n';

test('parses folds, matched and mismatched pairs and 4-digit keys', (t) => {
  const pairs = readLfwPairs(write('pairs.txt', small));
  t.is(pairs.folds, 2);
  t.is(pairs.pairsPerFold, 1);
  t.deepEqual(
    pairs.pairs.map((p) => [p.fold, p.same, ...p.keys, p.line]),
    [
      [0, true, 'Abel_Pacheco/Abel_Pacheco_0001.jpg', 'Abel_Pacheco/Abel_Pacheco_0004.jpg', 2],
      [0, false, 'Zico/Zico_0001.jpg', 'Aaron_Peirsol/Aaron_Peirsol_0012.jpg', 3],
      [1, true, 'Amy/Amy_0002.jpg', 'Amy/Amy_0003.jpg', 4],
      [1, false, 'Bob/Bob_0001.jpg', 'Carl/Carl_0002.jpg', 5],
    ],
  );
  t.is(lfwImageKey('George_W_Bush', 123), 'George_W_Bush/George_W_Bush_0123.jpg');
  t.is(lfwPairKeys(pairs).length, 8);
});

test('writer round trip reproduces the file byte for byte', (t) => {
  const source = readLfwPairs(write('source.txt', small));
  const out = join(dir, 'written.txt');
  writeLfwPairs(out, source);
  t.is(readFileSync(out, 'utf8'), small);
});

test('wrong field count, non-numeric index and a count that disagrees with the header name the line', (t) => {
  const fields = write('fields.txt', '1\t1\nAbel_Pacheco\t1\t4\t7\t8\nBob\t1\tCarl\t2\n');
  t.throws(() => readLfwPairs(fields), { instanceOf: UserError, message: /fields\.txt:2: expected a matched pair .*got 5 fields/ });
  const index = write('index.txt', '1\t1\nAbel_Pacheco\t1\tfour\nBob\t1\tCarl\t2\n');
  t.throws(() => readLfwPairs(index), { instanceOf: UserError, message: /index\.txt:2: image number 'four' is not an integer/ });
  const zero = write('zero.txt', '1\t1\nAbel_Pacheco\t0\t1\nBob\t1\tCarl\t2\n');
  t.throws(() => readLfwPairs(zero), { instanceOf: UserError, message: /zero\.txt:2: image number 0 is below 1/ });
  const count = write('count.txt', '10\t300\nAbel_Pacheco\t1\t4\n');
  t.throws(() => readLfwPairs(count), { instanceOf: UserError, message: /count\.txt: header .* 6000 pairs, but the file has 1 pair lines/ });
  const header = write('header.txt', 'ten\t300\n');
  t.throws(() => readLfwPairs(header), { instanceOf: UserError, message: /header\.txt:1: number of folds 'ten' is not an integer/ });
});

test('the official pairs.txt: 10 folds × 600 pairs, 7,701 distinct images, all present', (t) => {
  if (!existsSync(REAL_PAIRS)) {
    t.log(`skipped: ${REAL_PAIRS} not present`);
    t.pass();
    return;
  }
  const pairs = readLfwPairs(REAL_PAIRS);
  t.is(pairs.folds, 10);
  t.is(pairs.pairsPerFold, 300);
  t.is(pairs.pairs.length, 6000);
  t.is(pairs.pairs.filter((p) => p.same).length, 3000);
  for (let f = 0; f < 10; f++) {
    const fold = pairs.pairs.filter((p) => p.fold === f);
    t.deepEqual([fold.length, fold.slice(0, 300).every((p) => p.same), fold.slice(300).every((p) => !p.same)], [600, true, true]);
  }
  t.deepEqual(pairs.pairs[0].keys, ['Abel_Pacheco/Abel_Pacheco_0001.jpg', 'Abel_Pacheco/Abel_Pacheco_0004.jpg']);
  const keys = lfwPairKeys(pairs);
  t.is(keys.length, 7701);
  if (existsSync(REAL_IMAGES)) t.deepEqual(keys.filter((k) => !existsSync(join(REAL_IMAGES, k))), []);
});
