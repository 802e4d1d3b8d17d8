import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, readNpyHeader, writeNpy } from '../harness/formats/npy.js';
import { UserError } from '../harness/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-npy-'));

/** A .npy file built byte by byte from the format spec, independently of writeNpy. */
function handMadeNpy(major: 1 | 2 | 3, dict: string, payload: Uint8Array): Uint8Array {
  const lengthBytes = major === 1 ? 2 : 4;
  const header = Buffer.from(dict + '\n', major === 3 ? 'utf8' : 'latin1');
  const prefix = Buffer.alloc(8 + lengthBytes);
  Buffer.from([0x93, ...Buffer.from('NUMPY'), major, 0]).copy(prefix);
  if (major === 1) prefix.writeUInt16LE(header.length, 8);
  else prefix.writeUInt32LE(header.length, 8);
  return Buffer.concat([prefix, header, payload]);
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

test('reads float32 arrays in format versions 1.0, 2.0 and 3.0', (t) => {
  const values = [1, -2, 3.5, 0.25, 1e-3, 7];
  for (const major of [1, 2, 3] as const) {
    const dict = major === 3 ? "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } é" : "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const p = file(`v${major}.npy`, handMadeNpy(major, dict, f32Bytes(values)));
    const a = readNpy(p);
    t.deepEqual(a.shape, [2, 3]);
    t.deepEqual(Array.from(a.data), Array.from(new Float32Array(values)));
  }
});

test('reads float16 and converts exactly', (t) => {
  // 0x3c00 = 1, 0xc000 = -2, 0x7bff = 65504 (max), 0x0001 = 2^-24 (smallest subnormal), 0x3555 = 0.333251953125, 0x7c00 = Inf
  const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x7c00]);
  const p = file('f16.npy', handMadeNpy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }", new Uint8Array(bits.buffer)));
  const a = readNpy(p);
  t.deepEqual(a.shape, [6]);
  t.deepEqual(Array.from(a.data), [1, -2, 65504, 2 ** -24, 0.333251953125, Infinity]);
});

test('accepts Python 2 long-int shapes and a 0-d shape', (t) => {
  const p = file('py2.npy', handMadeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", f32Bytes([4, 5])));
  t.deepEqual(readNpy(p).shape, [1, 2]);
  const s = file('scalar.npy', handMadeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f32Bytes([9])));
  t.deepEqual(Array.from(readNpy(s).data), [9]);
});

test('shared: true returns a SharedArrayBuffer-backed array', (t) => {
  const p = file('shared.npy', handMadeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f32Bytes([1, 2, 3])));
  const a = readNpy(p, { shared: true });
  t.true(a.data.buffer instanceof SharedArrayBuffer);
  t.deepEqual(Array.from(a.data), [1, 2, 3]);
});

test('writeNpy writes a numpy-compatible version 1.0 header padded to 64 bytes', (t) => {
  const p = join(dir, 'written.npy');
  writeNpy(p, new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  const bytes = readFileSync(p);
  t.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes.readUInt16LE(8);
  t.is((10 + headerLength) % 64, 0);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  t.true(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }"));
  t.true(header.endsWith('\n'));
  t.is(bytes.length, 10 + headerLength + 24);
  t.deepEqual(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length))), [1, 2, 3, 4, 5, 6]);
  t.deepEqual(readNpyHeader(p).shape, [3, 2]);
});

test('float16 round trip rounds to nearest even', (t) => {
  const p = join(dir, 'half.npy');
  // 1 + 2^-11 is exactly halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
  // 1 + 3·2^-11 is halfway between 1 + 2^-10 and 1 + 2^-9: goes to 1 + 2^-9.
  const input = new Float32Array([1 + 2 ** -11, 1 + 3 * 2 ** -11, -0.1, 70000, 2 ** -25 * 1.5]);
  writeNpy(p, input, [5], { dtype: 'float16' });
  t.is(readNpyHeader(p).dtype, 'float16');
  const out = Array.from(readNpy(p).data);
  t.is(out[0], 1);
  t.is(out[1], 1 + 2 ** -9);
  t.is(out[2], -0.0999755859375); // nearest half to -0.1 (0xae66)
  t.is(out[3], Infinity);
  t.is(out[4], 2 ** -24);
});

function userErrorMessage(t: import('ava').ExecutionContext, fn: () => unknown): string {
  const e = t.throws(fn, { instanceOf: UserError });
  return e?.message ?? '';
}

test('refuses Fortran order, other dtypes, big-endian and non-npy files, naming the file', (t) => {
  const fortran = file('fortran.npy', handMadeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", f32Bytes([1, 2])));
  t.regex(userErrorMessage(t, () => readNpy(fortran)), /fortran\.npy.*Fortran order/);
  const f64 = file('f64.npy', handMadeNpy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)));
  t.regex(userErrorMessage(t, () => readNpy(f64)), /f64\.npy.*'<f8'/);
  const big = file('big.npy', handMadeNpy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)));
  t.regex(userErrorMessage(t, () => readNpy(big)), /big\.npy.*big-endian/);
  const text = file('text.npy', Buffer.from('hello world, not numpy'));
  t.regex(userErrorMessage(t, () => readNpy(text)), /text\.npy.*not a \.npy/);
  t.regex(userErrorMessage(t, () => readNpy(join(dir, 'missing.npy'))), /not found.*missing\.npy/);
});

test('a truncated .npy names the file and the missing bytes', (t) => {
  const whole = handMadeNpy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", f32Bytes(new Array(16).fill(1)));
  const p = file('truncated.npy', whole.subarray(0, whole.length - 10));
  t.regex(userErrorMessage(t, () => readNpy(p)), /truncated\.npy: truncated .*needs 64 bytes.*has 54/);
  const inHeader = file('truncated-header.npy', whole.subarray(0, 20));
  t.regex(userErrorMessage(t, () => readNpy(inHeader)), /truncated-header\.npy: truncated/);
});
