import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatio, writeMatio } from '../harness/formats/matio.js';
import { readMatioFeatureSet, writeMatioFeatureSet } from '../harness/formats/matio-feature-set.js';
import { UserError } from '../harness/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-matio-'));

/** The devkit layout by hand: int32 rows, cols, stride, type, then the values. */
function devkitBytes(rows: number, cols: number, stride: number, type: number, values: number[], bytesPer: 4 | 8): Buffer {
  const b = Buffer.alloc(16 + values.length * bytesPer);
  [rows, cols, stride, type].forEach((v, i) => b.writeInt32LE(v, 4 * i));
  values.forEach((v, i) => (bytesPer === 4 ? b.writeFloatLE(v, 16 + 4 * i) : b.writeDoubleLE(v, 16 + 8 * i)));
  return b;
}

test('writes a feature exactly as insightface gen_megaface does: (D, 1, 4, 5) then float32', (t) => {
  const p = join(dir, 'Adam_Brody_1234.png_arcface_112x112.bin');
  writeMatio(p, new Float32Array([0.5, -0.25, 1, 2]));
  t.deepEqual(readFileSync(p), devkitBytes(4, 1, 4, 5, [0.5, -0.25, 1, 2], 4));
  const m = readMatio(p);
  t.is(m.rows, 4);
  t.is(m.cols, 1);
  t.deepEqual(Array.from(m.data), [0.5, -0.25, 1, 2]);
});

test('reads a row-major matrix and float64 (type 6) files', (t) => {
  const p = join(dir, 'matrix.bin');
  writeFileSync(p, devkitBytes(2, 3, 12, 5, [1, 2, 3, 4, 5, 6], 4));
  const m = readMatio(p);
  t.deepEqual([m.rows, m.cols], [2, 3]);
  t.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5, 6]);
  const d = join(dir, 'double.bin');
  writeFileSync(d, devkitBytes(1, 2, 16, 6, [0.125, -3], 8));
  t.deepEqual(Array.from(readMatio(d).data), [0.125, -3]);
});

test('a truncated matio file names the file and the sizes', (t) => {
  const p = join(dir, 'truncated.bin');
  writeFileSync(p, devkitBytes(512, 1, 4, 5, new Array(512).fill(0.1), 4).subarray(0, 16 + 100));
  const e = t.throws(() => readMatio(p), { instanceOf: UserError });
  t.regex(e?.message ?? '', /truncated\.bin: truncated matio feature file: header says 512×1 \(2048 bytes of data\) but only 100 follow/);
  const h = join(dir, 'header-only.bin');
  writeFileSync(h, Buffer.alloc(10));
  t.throws(() => readMatio(h), { instanceOf: UserError, message: /header-only\.bin: truncated.*16-byte header/ });
});

test('an unsupported type code or inconsistent stride is refused', (t) => {
  const p = join(dir, 'int.bin');
  writeFileSync(p, devkitBytes(2, 1, 4, 4, [0, 0], 4));
  t.throws(() => readMatio(p), { instanceOf: UserError, message: /int\.bin: matio type code 4/ });
  const s = join(dir, 'stride.bin');
  writeFileSync(s, devkitBytes(2, 1, 8, 5, [0, 0, 0, 0], 4));
  t.throws(() => readMatio(s), { instanceOf: UserError, message: /stride\.bin: matio stride 8/ });
});

test('feature sets to and from the devkit one-file-per-image layout', (t) => {
  const root = join(dir, 'features');
  const keys = ['Adam_Brody/Adam_Brody_277.png', 'Zoe/Zoe_1.png'];
  writeMatioFeatureSet({ rows: 2, dim: 3, data: new Float32Array([1, 2, 3, 4, 5, 6]), keys }, { root, suffix: '_arcface_112x112.bin', progress: 'quiet' });
  const file = join(root, 'Zoe/Zoe_1.png_arcface_112x112.bin');
  t.deepEqual(readFileSync(file), devkitBytes(3, 1, 4, 5, [4, 5, 6], 4));
  const fs = readMatioFeatureSet(keys, { root, suffix: '_arcface_112x112.bin', progress: 'quiet' });
  t.deepEqual([fs.rows, fs.dim], [2, 3]);
  t.deepEqual(Array.from(fs.data), [1, 2, 3, 4, 5, 6]);
  writeFileSync(file, devkitBytes(2, 1, 4, 5, [4, 5], 4));
  t.throws(() => readMatioFeatureSet(keys, { root, suffix: '_arcface_112x112.bin', progress: 'quiet' }), {
    instanceOf: UserError,
    message: /Zoe_1\.png_arcface_112x112\.bin: feature of key 'Zoe\/Zoe_1\.png' has 2 values; the first file .* has 3/,
  });
});
