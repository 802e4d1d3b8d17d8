import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVerificationBin, readVerificationBin, writeVerificationBin } from '../harness/formats/verification-bin.js';
import { decodeImage } from '../harness/formats/image.js';
import { UserError } from '../harness/core/errors.js';
import { sharedDataPath } from './helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'flb-bin-'));
const REAL_BIN = sharedDataPath('insightface', 'small_lfw.bin');

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const u32 = (n: number) => [...new Uint8Array(new Uint32Array([n]).buffer)];

test('protocol 3 layout: PROTO 3, list of BINBYTES, list of bools, TUPLE2, STOP', (t) => {
  const bytes = encodeVerificationBin({ images: [new Uint8Array([1, 2]), new Uint8Array([3, 4])], issame: [true] });
  // 80 03 | ] ( C\x02 01 02 C\x02 03 04 e | ] ( \x88 e | \x86 | .
  t.deepEqual([...bytes], [0x80, 3, 0x5d, 0x28, 0x43, 2, 1, 2, 0x43, 2, 3, 4, 0x65, 0x5d, 0x28, 0x88, 0x65, 0x86, 0x2e]);
});

test('round trips as Python 3 (protocols 3, 4) and Python 2 (BINSTRING) pickles', (t) => {
  const images = [new Uint8Array(300).fill(9), new Uint8Array([0xff, 0xd8]), new Uint8Array(0), new Uint8Array([7])];
  for (const opts of [{ protocol: 3 }, { protocol: 4 }, { protocol: 2, python2: true }] as const) {
    const p = join(dir, `rt-${opts.protocol}.bin`);
    writeVerificationBin(p, { images, issame: [false, true] }, opts);
    const raw = readFileSync(p);
    t.is(raw[1], opts.protocol);
    if (opts.protocol === 4) t.is(raw[2], 0x95); // FRAME
    if (opts.protocol === 2) t.true(raw.includes(Buffer.from([0x54, 44, 1, 0, 0]))); // BINSTRING of 300 bytes
    const back = readVerificationBin(p);
    t.deepEqual(back.issame, [false, true]);
    t.deepEqual(back.images.map((i) => [...i]), images.map((i) => [...i]));
  }
});

test('numpy uint8 arrays of shape [N, 1] (as in insightface .bin files) and numpy bool scalars', (t) => {
  // Hand-assembled protocol 2 pickle in Python 2 style: GLOBAL opcodes, SHORT_BINSTRING for str.
  const dtype = [0x63, ...ascii('numpy\ndtype\n'), 0x55, 2, ...ascii('u1'), 0x89, 0x88, 0x87, 0x52,
    0x28, 0x4b, 3, 0x55, 1, ...ascii('|'), 0x4e, 0x4e, 0x4e, 0x4a, ...u32(0xffffffff), 0x4a, ...u32(0xffffffff), 0x4b, 0, 0x74, 0x62];
  const array = (payload: number[]) => [
    0x63, ...ascii('numpy.core.multiarray\n_reconstruct\n'), 0x63, ...ascii('numpy\nndarray\n'), 0x4b, 0, 0x85, 0x55, 1, ...ascii('b'), 0x87, 0x52,
    0x28, 0x4b, 1, 0x4b, payload.length, 0x4b, 1, 0x86, ...dtype, 0x89, 0x55, payload.length, ...payload, 0x74, 0x62,
  ];
  const boolDtype = [0x63, ...ascii('numpy\ndtype\n'), 0x55, 2, ...ascii('b1'), 0x89, 0x88, 0x87, 0x52];
  const boolScalar = (v: number) => [0x63, ...ascii('numpy.core.multiarray\nscalar\n'), ...boolDtype, 0x55, 1, v, 0x86, 0x52];
  const pickle = [0x80, 2, 0x5d, 0x28, ...array([0xff, 0xd8, 0xff]), ...array([1, 2]), 0x65, 0x5d, 0x28, ...boolScalar(1), 0x65, 0x86, 0x2e];
  const p = join(dir, 'numpy.bin');
  writeFileSync(p, Uint8Array.from(pickle));
  const bin = readVerificationBin(p);
  t.deepEqual(bin.images.map((i) => [...i]), [[0xff, 0xd8, 0xff], [1, 2]]);
  t.deepEqual(bin.issame, [true]);
});

test('Python 3 protocol 2 bytes via _codecs.encode(text, "latin1")', (t) => {
  const text = Buffer.from('\u00ff\u00d8A', 'utf8'); // the latin1 string "ÿØA", UTF-8 encoded by BINUNICODE
  const encoded = [0x63, ...ascii('_codecs\nencode\n'), 0x58, ...u32(text.length), ...text, 0x58, ...u32(6), ...ascii('latin1'), 0x86, 0x52];
  const emptyBytes = [0x63, ...ascii('__builtin__\nbytes\n'), 0x29, 0x52];
  const p = join(dir, 'codecs.bin');
  writeFileSync(p, Uint8Array.from([0x80, 2, 0x5d, 0x28, ...encoded, ...emptyBytes, 0x65, 0x5d, 0x89, 0x61, 0x86, 0x2e]));
  const bin = readVerificationBin(p);
  t.deepEqual(bin.images.map((i) => [...i]), [[0xff, 0xd8, 0x41], []]);
  t.deepEqual(bin.issame, [false]);
});

test('a truncated .bin, a count mismatch and a foreign object are clear errors', (t) => {
  const whole = encodeVerificationBin({ images: [new Uint8Array(500), new Uint8Array(500)], issame: [true] });
  const cut = join(dir, 'cut.bin');
  writeFileSync(cut, whole.subarray(0, 300));
  t.throws(() => readVerificationBin(cut), { instanceOf: UserError, message: /cut\.bin: truncated pickle: the opcode at byte 4 needs 500 more bytes/ });
  const noStop = join(dir, 'nostop.bin');
  writeFileSync(noStop, whole.subarray(0, whole.length - 1));
  t.throws(() => readVerificationBin(noStop), { instanceOf: UserError, message: /nostop\.bin: truncated pickle: no STOP/ });
  const odd = join(dir, 'odd.bin');
  writeFileSync(odd, Uint8Array.from([0x80, 3, 0x5d, 0x43, 1, 7, 0x61, 0x5d, 0x88, 0x61, 0x86, 0x2e]));
  t.throws(() => readVerificationBin(odd), { instanceOf: UserError, message: /odd\.bin: 1 images but 1 pairs/ });
  const evil = join(dir, 'evil.bin');
  writeFileSync(evil, Uint8Array.from([0x80, 2, 0x63, ...ascii('os\nsystem\n'), 0x55, 2, ...ascii('ls'), 0x85, 0x52, 0x2e]));
  t.throws(() => readVerificationBin(evil), { instanceOf: UserError, message: /evil\.bin: unsupported Python object os\.system/ });
  const notPickle = join(dir, 'text.bin');
  writeFileSync(notPickle, 'hello');
  t.throws(() => readVerificationBin(notPickle), { instanceOf: UserError, message: /text\.bin: not a Python pickle/ });
});

test('the real insightface small_lfw.bin: 10 same-person pairs of 112×112 JPEGs', async (t) => {
  if (!existsSync(REAL_BIN)) {
    t.log(`skipped: ${REAL_BIN} not present`);
    t.pass();
    return;
  }
  const bin = readVerificationBin(REAL_BIN);
  t.is(bin.images.length, 20);
  t.deepEqual(bin.issame, new Array(10).fill(true));
  for (const img of bin.images) t.deepEqual([...img.subarray(0, 2)], [0xff, 0xd8]);
  const px = await decodeImage(bin.images[0], { size: [112, 112], channels: 3, label: 'small_lfw.bin image 0' });
  t.is(px.length, 112 * 112 * 3);
});
