import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, writeIdx } from '../harness/formats/idx.js';
import { openIdxTrainSet } from '../harness/data/readers/idx-train-set.js';
import { UserError } from '../harness/core/errors.js';

const root = mkdtempSync(join(tmpdir(), 'flb-idx-'));

/** MNIST's layout by hand: 0, 0, 0x08 (ubyte), ndims, big-endian dims, bytes. */
function ubyteIdx(shape: number[], values: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(values)]);
}

test('reads MNIST-layout images and labels, plain and gzipped, as a TrainSet', async (t) => {
  const dir = join(root, 'mnist');
  mkdirSync(dir, { recursive: true });
  // Three 2×2 "digits": uniform 0, uniform 255, and a checker.
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(ubyteIdx([3, 2, 2], [0, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30, 40])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), ubyteIdx([3], [7, 2, 9]));
  const set = await openIdxTrainSet(dir, { size: [2, 2], channels: 1 });
  t.is(set.size, 3);
  t.is(set.numClasses, 10);
  t.deepEqual([0, 1, 2].map((i) => set.labelOf(i)), [7, 2, 9]);
  const batch = await set.read([2, 1]);
  t.deepEqual(Array.from(batch), [10, 20, 30, 40, 255, 255, 255, 255].map((v) => (v - 127.5) / 128));
  // Resized to 4×4 RGB, a uniform digit stays uniform in every channel.
  const rgb = await openIdxTrainSet(dir, { size: [4, 4], channels: 3 });
  const big = await rgb.read([1]);
  t.is(big.length, 48);
  t.true(big.every((v) => v === (255 - 127.5) / 128));
});

test('round trip of every IDX type, byte-exact for ubyte', (t) => {
  const p = join(root, 'labels-idx1-ubyte');
  writeIdx(p, { dtype: 'uint8', shape: [4], data: new Uint8Array([1, 2, 3, 250]) });
  t.deepEqual(readFileSync(p), ubyteIdx([4], [1, 2, 3, 250]));
  for (const [dtype, data] of [
    ['int8', new Int8Array([-1, 5])],
    ['int16', new Int16Array([-300, 300])],
    ['int32', new Int32Array([-70000, 1])],
    ['float32', new Float32Array([0.5, -2])],
    ['float64', new Float64Array([0.1, 1e300])],
  ] as const) {
    const q = join(root, `x-${dtype}.gz`);
    writeIdx(q, { dtype, shape: [1, 2], data });
    const back = readIdx(q);
    t.is(back.dtype, dtype);
    t.deepEqual(back.shape, [1, 2]);
    t.deepEqual(Array.from(back.data), Array.from(data));
  }
  // int16 is big-endian on disk: -300 = 0xfed4.
  const be = join(root, 'be-int16');
  writeIdx(be, { dtype: 'int16', shape: [1], data: new Int16Array([-300]) });
  t.deepEqual([...readFileSync(be).subarray(8)], [0xfe, 0xd4]);
});

test('truncated and mismatched IDX files are clear errors', async (t) => {
  const p = join(root, 'short-idx3-ubyte');
  writeFileSync(p, ubyteIdx([2, 28, 28], new Array(100).fill(1)));
  t.throws(() => readIdx(p), { instanceOf: UserError, message: /short-idx3-ubyte: truncated IDX file: shape \[2, 28, 28\] uint8 needs 1568 bytes of data, 100 present/ });
  const gz = join(root, 'cut.gz');
  writeFileSync(gz, gzipSync(ubyteIdx([3], [1, 2, 3])).subarray(0, 15));
  t.throws(() => readIdx(gz), { instanceOf: UserError, message: /cut\.gz: corrupt or truncated gzip/ });
  const dir = join(root, 'mismatch');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), ubyteIdx([2, 1, 1], [1, 2]));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), ubyteIdx([3], [0, 1, 2]));
  await t.throwsAsync(openIdxTrainSet(dir, { size: [1, 1], channels: 1 }), { instanceOf: UserError, message: /has 2 images, .* has 3 labels/ });
});
