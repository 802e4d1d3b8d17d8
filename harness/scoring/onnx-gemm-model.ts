/**
 * A one-node ONNX model, Y = A · Bᵀ (Gemm with transB = 1), encoded by hand: onnxruntime's MLAS GEMM is the
 * fastest float32 matrix product available to Node here, and a model this small does not justify a protobuf
 * dependency. Rows of A and B are dim-long feature vectors; M and N are symbolic so one session serves every
 * block shape.
 */

// Protobuf wire types.
const VARINT = 0;
const LENGTH_DELIMITED = 2;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function intField(field: number, value: number): number[] {
  return [...varint((field << 3) | VARINT), ...varint(value)];
}

function bytesField(field: number, payload: number[]): number[] {
  return [...varint((field << 3) | LENGTH_DELIMITED), ...varint(payload.length), ...payload];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, [...Buffer.from(text, 'utf8')]);
}

const FLOAT_TENSOR = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT

/** ValueInfoProto of a float32 rank-2 tensor; each dimension is a fixed size or a symbolic name. */
function matrixInfo(name: string, dims: Array<number | string>): number[] {
  const dimensions = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, FLOAT_TENSOR), ...bytesField(2, dimensions)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** Bytes of the ONNX model computing Y[M×N] = A[M×dim] · B[N×dim]ᵀ. */
export function gemmTransBModel(dim: number): Uint8Array {
  const transB = [...stringField(1, 'transB'), ...intField(3, 1), ...intField(20, ATTRIBUTE_INT)];
  const node = [...stringField(1, 'A'), ...stringField(1, 'B'), ...stringField(2, 'Y'), ...stringField(4, 'Gemm'), ...bytesField(5, transB)];
  const graph = [
    ...bytesField(1, node),
    ...stringField(2, 'similarity'),
    ...bytesField(11, matrixInfo('A', ['M', dim])),
    ...bytesField(11, matrixInfo('B', ['N', dim])),
    ...bytesField(12, matrixInfo('Y', ['M', 'N'])),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 13)];
  const model = [...intField(1, 8), ...stringField(2, 'facelossbench'), ...bytesField(7, graph), ...bytesField(8, opset)];
  return Uint8Array.from(model);
}
