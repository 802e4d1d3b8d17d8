import test from 'ava';
import { ProtobufWriter } from '../src/onnx/protobuf-writer.js';
import { attr, encodeOnnxModel } from '../src/onnx/onnx-model.js';
import { float32Value, int64Constant } from '../src/onnx/graph-values.js';
import { OrtSession, ortRuntimeAvailable } from '../src/onnx/ort-runtime.js';

const withOrt = ortRuntimeAvailable() ? test : test.skip;
if (!ortRuntimeAvailable()) console.log('onnxruntime-node cannot load here: ONNX model execution tests skipped');

const bytes = (w: ProtobufWriter) => [...w.finish()];

test('protobuf encodings match the examples of the protobuf encoding guide', (t) => {
  // "A simple message": field 1 = 150 → 08 96 01.
  t.deepEqual(bytes(new ProtobufWriter().int(1, 150)), [0x08, 0x96, 0x01]);
  // Field 2 = "testing" → 12 07 74 65 73 74 69 6e 67.
  t.deepEqual(bytes(new ProtobufWriter().string(2, 'testing')), [0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
  // Packed repeated field 4 = [3, 270, 86942] → 22 06 03 8e 02 9e a7 05.
  t.deepEqual(bytes(new ProtobufWriter().packedInts(4, [3, 270, 86942])), [0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
  // int64 −1 is ten bytes of two's complement: ff ×9 then 01.
  t.deepEqual(bytes(new ProtobufWriter().int(1, -1)), [0x08, ...Array(9).fill(0xff), 0x01]);
  // A fixed32 float: field 2, wire type 5 → tag 0x15, then 1.0f little-endian 00 00 80 3f.
  t.deepEqual(bytes(new ProtobufWriter().float(2, 1)), [0x15, 0x00, 0x00, 0x80, 0x3f]);
  // A nested message is length-delimited: field 3 holding (field 1 = 150) → 1a 03 08 96 01.
  t.deepEqual(bytes(new ProtobufWriter().message(3, (m) => m.int(1, 150))), [0x1a, 0x03, 0x08, 0x96, 0x01]);
});

withOrt('an encoded model with an initializer and int, float and ints attributes runs in ORT as computed by hand', (t) => {
  // y = LeakyRelu_{0.5}(Transpose(Reshape(a + b, [2, 3]))), a = [1..6], b = [−10, 0, …]
  const model = encodeOnnxModel({
    nodes: [
      { op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] },
      { op: 'Reshape', inputs: ['sum', 'shape'], outputs: ['matrix'] },
      { op: 'Transpose', inputs: ['matrix'], outputs: ['transposed'], attributes: { perm: attr.ints([1, 0]) } },
      { op: 'LeakyRelu', inputs: ['transposed'], outputs: ['y'], attributes: { alpha: attr.float(0.5) } },
      { op: 'Concat', inputs: ['y', 'y'], outputs: ['twice'], attributes: { axis: attr.int(0) } },
    ],
    initializers: [int64Constant('shape', [2, 3])],
    inputs: [float32Value('a', [6]), float32Value('b', [6])],
    outputs: [float32Value('y', [3, 2]), float32Value('twice', [6, 2])],
  });
  const session = new OrtSession(model, ['y', 'twice']);
  const out = session.run({
    a: { data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [6] },
    b: { data: Float32Array.from([-10, 0, -10, 0, -10, 0]), dims: [6] },
  });
  // a + b = [−9, 2, −7, 4, −5, 6] → [[−9, 2, −7], [4, −5, 6]] → transposed [[−9, 4], [2, −5], [−7, 6]] → halve negatives.
  t.deepEqual([...out.y!.data], [-4.5, 4, 2, -2.5, -3.5, 6]);
  t.deepEqual([...out.y!.dims], [3, 2]);
  t.deepEqual([...out.twice!.dims], [6, 2]);
  session.dispose();
});
