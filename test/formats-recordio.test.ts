import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeRecord, IndexedRecordFile, RecordFile, writeIndexedRecordFile } from '../harness/formats/recordio.js';
import { packRecord, unpackRecord, writeInsightfaceRec } from '../harness/formats/insightface-rec.js';
import { openRecordIOTrainSet } from '../harness/data/readers/recordio-train-set.js';
import { UserError } from '../harness/core/errors.js';

const root = mkdtempSync(join(tmpdir(), 'flb-rec-'));

test('a record is magic, length word, bytes, zero padding to 4', (t) => {
  const bytes = encodeRecord(new Uint8Array([9, 8, 7, 6, 5]));
  t.deepEqual([...bytes], [0x0a, 0x23, 0xd7, 0xce, 5, 0, 0, 0, 9, 8, 7, 6, 5, 0, 0, 0]);
});

test('an aligned magic inside the payload splits the record (flags 1 and 3) and reads back whole', (t) => {
  const payload = new Uint8Array([1, 2, 3, 4, 0x0a, 0x23, 0xd7, 0xce, 5, 6]);
  const bytes = encodeRecord(payload);
  // part 1: lrec = 1<<29 | 4 -> 0x20000004; part 2: lrec = 3<<29 | 2 -> 0x60000002, then 2 bytes of padding
  t.deepEqual([...bytes], [0x0a, 0x23, 0xd7, 0xce, 4, 0, 0, 0x20, 1, 2, 3, 4, 0x0a, 0x23, 0xd7, 0xce, 2, 0, 0, 0x60, 5, 6, 0, 0]);
  const rec = join(root, 'split.rec');
  const idx = join(root, 'split.idx');
  writeIndexedRecordFile(rec, idx, [
    { key: 7, payload: new Uint8Array([42]) },
    { key: 3, payload },
  ]);
  t.is(readFileSync(idx, 'utf8'), '7\t0\n3\t12\n');
  const file = new IndexedRecordFile(rec, idx);
  t.deepEqual([...file.read(3)], [...payload]);
  t.deepEqual([...file.read(7)], [42]);
  file.close();
  const plain = new RecordFile(rec);
  t.deepEqual(plain.scanOffsets(), [0, 12]);
  plain.close();
});

test('IRHeader: scalar label and label vector, as mx.recordio.pack lays them out', (t) => {
  const scalar = packRecord({ label: 3, id: 5 }, new Uint8Array([0xff, 0xd8]));
  const b = Buffer.from(scalar);
  t.is(b.length, 26);
  t.deepEqual([b.readUInt32LE(0), b.readFloatLE(4), Number(b.readBigUInt64LE(8)), Number(b.readBigUInt64LE(16))], [0, 3, 5, 0]);
  const vector = Buffer.from(packRecord({ label: [10, 12] }));
  t.deepEqual([vector.readUInt32LE(0), vector.readFloatLE(4), vector.readFloatLE(24), vector.readFloatLE(28)], [2, 0, 10, 12]);
  const { header, image } = unpackRecord(scalar, 'test');
  t.is(header.label, 3);
  t.deepEqual([...image], [0xff, 0xd8]);
  t.deepEqual(Array.from(unpackRecord(vector, 'test').header.label as Float32Array), [10, 12]);
});

async function greyJpeg(value: number): Promise<Uint8Array> {
  return sharp(Buffer.alloc(8 * 8 * 3, value), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
}

test('insightface layout: header record 0, identity ranges, property; TrainSet reads labels and pixels', async (t) => {
  const dir = join(root, 'ms1m-like');
  mkdirSync(dir, { recursive: true });
  // Images given out of label order: the writer groups them by identity as face2rec does.
  const images = [
    { label: 1, image: await greyJpeg(200) },
    { label: 0, image: await greyJpeg(10) },
    { label: 2, image: await greyJpeg(90) },
    { label: 0, image: await greyJpeg(20) },
    { label: 2, image: await greyJpeg(100) },
  ];
  writeInsightfaceRec(dir, images, { numClasses: 3, height: 8, width: 8 });
  t.is(readFileSync(join(dir, 'property'), 'utf8'), '3,8,8\n');

  // Record 0 by hand: flag 2, labels [imageEnd = 6, identityEnd = 9].
  const rec = readFileSync(join(dir, 'train.rec'));
  t.is(rec.readUInt32LE(0), 0xced7230a);
  t.is(rec.readUInt32LE(4), 24 + 8);
  t.is(rec.readUInt32LE(8), 2);
  t.deepEqual([rec.readFloatLE(8 + 24), rec.readFloatLE(8 + 28)], [6, 9]);
  const idxLines = readFileSync(join(dir, 'train.idx'), 'utf8').trim().split('\n');
  t.deepEqual(idxLines.map((l) => Number(l.split('\t')[0])), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  // Identity record 7 (the second identity, label 1) covers image 3 only: [3, 4).
  const off7 = Number(idxLines[7].split('\t')[1]);
  t.deepEqual([rec.readFloatLE(off7 + 8 + 24), rec.readFloatLE(off7 + 8 + 28)], [3, 4]);

  const set = await openRecordIOTrainSet(dir, { size: [4, 4], channels: 1 });
  t.is(set.numClasses, 3);
  t.is(set.size, 5);
  t.deepEqual([0, 1, 2, 3, 4].map((i) => set.labelOf(i)), [0, 0, 1, 2, 2]);
  const batch = await set.read([2, 0]);
  t.is(batch.length, 32);
  t.is(batch[0], (200 - 127.5) / 128);
  t.is(batch[16], (10 - 127.5) / 128);
});

test('a .rec without a header record: every record is an image, labels from each header', async (t) => {
  const dir = join(root, 'plain');
  mkdirSync(dir, { recursive: true });
  writeIndexedRecordFile(join(dir, 'train.rec'), join(dir, 'train.idx'), [
    { key: 0, payload: packRecord({ label: 1 }, await greyJpeg(50)) },
    { key: 1, payload: packRecord({ label: [0, 7] }, await greyJpeg(60)) },
  ]);
  const set = await openRecordIOTrainSet(dir, { size: [2, 2], channels: 3 });
  t.is(set.numClasses, 2); // no property file: max label + 1
  t.deepEqual([set.labelOf(0), set.labelOf(1)], [1, 0]);
});

test('a truncated .rec names the file and the record', async (t) => {
  const dir = join(root, 'truncated');
  mkdirSync(dir, { recursive: true });
  writeInsightfaceRec(dir, [{ label: 0, image: await greyJpeg(1) }, { label: 1, image: await greyJpeg(2) }], { numClasses: 2, height: 8, width: 8 });
  const recPath = join(dir, 'train.rec');
  const idx = readFileSync(join(dir, 'train.idx'), 'utf8').trim().split('\n').map((l) => l.split('\t').map(Number));
  // Cut inside image record 2: the index still points at it, but its bytes end early.
  truncateSync(recPath, idx[2][1] + 20);
  const file = new RecordFile(recPath);
  t.throws(() => file.readAt(idx[2][1], 'record 2'), { instanceOf: UserError, message: /train\.rec: truncated RecordIO file: record 2 needs \d+ bytes/ });
  file.close();
  // Records past the cut are caught when the index is opened.
  await t.throwsAsync(openRecordIOTrainSet(dir, { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /record 3 at byte \d+ lies beyond the end of .*train\.rec/ });
  t.true(statSync(recPath).size < 200);
});

test('a bad .idx line and a missing train.idx are clear errors', async (t) => {
  const dir = join(root, 'bad-idx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.rec'), encodeRecord(packRecord({ label: 0 })));
  writeFileSync(join(dir, 'train.idx'), '0\t0\nx\t5\n');
  await t.throwsAsync(openRecordIOTrainSet(dir, { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /train\.idx:2: expected "key<TAB>offset"/ });
  const missing = join(root, 'no-idx');
  mkdirSync(missing, { recursive: true });
  writeFileSync(join(missing, 'train.rec'), '');
  await t.throwsAsync(openRecordIOTrainSet(missing, { size: [4, 4], channels: 1 }), { instanceOf: UserError, message: /train\.idx not found/ });
});

test('images outside every identity range get their label from their own header', async (t) => {
  const dir = join(root, 'gap');
  mkdirSync(dir, { recursive: true });
  writeIndexedRecordFile(join(dir, 'train.rec'), join(dir, 'train.idx'), [
    { key: 0, payload: packRecord({ label: [4, 5] }) }, // images 1..3, identity records 4..4
    { key: 1, payload: packRecord({ label: 0 }, await greyJpeg(1)) },
    { key: 2, payload: packRecord({ label: 0 }, await greyJpeg(2)) },
    { key: 3, payload: packRecord({ label: 1 }, await greyJpeg(3)) },
    { key: 4, payload: packRecord({ label: [1, 3] }) }, // identity 0 covers images 1 and 2 only
  ]);
  const set = await openRecordIOTrainSet(dir, { size: [2, 2], channels: 1 });
  t.is(set.size, 3);
  t.deepEqual([0, 1, 2].map((i) => set.labelOf(i)), [0, 0, 1]);
});
