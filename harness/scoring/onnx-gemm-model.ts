/**
 * Tiny ONNX models around Y = A · Bᵀ (Gemm with transB = 1), encoded by hand: onnxruntime's MLAS GEMM is the
 * fastest float32 matrix product available to Node here, and models this small do not justify a protobuf
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
const INT64_TENSOR = 7; // TensorProto.DataType.INT64
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT
const ATTRIBUTE_INTS = 7; // AttributeProto.AttributeType.INTS

/** ValueInfoProto of a tensor; each dimension is a fixed size or a symbolic name. */
function tensorInfo(name: string, dims: Array<number | string>, elementType = FLOAT_TENSOR): number[] {
  const dimensions = dims.flatMap((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = [...intField(1, elementType), ...bytesField(2, dimensions)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

const matrixInfo = (name: string, dims: Array<number | string>) => tensorInfo(name, dims);

function gemmNode(): number[] {
  const transB = [...stringField(1, 'transB'), ...intField(3, 1), ...intField(20, ATTRIBUTE_INT)];
  return [...stringField(1, 'A'), ...stringField(1, 'B'), ...stringField(2, 'Y'), ...stringField(4, 'Gemm'), ...bytesField(5, transB)];
}

function modelBytes(graph: number[]): Uint8Array {
  const opset = [...stringField(1, ''), ...intField(2, 13)];
  return Uint8Array.from([...intField(1, 8), ...stringField(2, 'facelossbench'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}

/** Bytes of the ONNX model computing Y[M×N] = A[M×dim] · B[N×dim]ᵀ. */
export function gemmTransBModel(dim: number): Uint8Array {
  return modelBytes([
    ...bytesField(1, gemmNode()),
    ...stringField(2, 'similarity'),
    ...bytesField(11, matrixInfo('A', ['M', dim])),
    ...bytesField(11, matrixInfo('B', ['N', dim])),
    ...bytesField(12, matrixInfo('Y', ['M', 'N'])),
  ]);
}

/**
 * Y = A · Bᵀ and, beside it, Z[M × N/g] = the maximum of each run of g consecutive columns of Y, where the
 * input S = [M, N/g, g] (N must be a multiple of g). A top-k scan then reads Z and looks into Y only where a
 * group's maximum can matter: the reduction runs vectorised in native code instead of element by element in JS.
 */
export function gemmGroupMaxModel(dim: number): Uint8Array {
  const reshape = [...stringField(1, 'Y'), ...stringField(1, 'S'), ...stringField(2, 'Y3'), ...stringField(4, 'Reshape')];
  const axes = [...stringField(1, 'axes'), ...intField(8, 2), ...intField(20, ATTRIBUTE_INTS)];
  const keepdims = [...stringField(1, 'keepdims'), ...intField(3, 0), ...intField(20, ATTRIBUTE_INT)];
  const reduce = [...stringField(1, 'Y3'), ...stringField(2, 'Z'), ...stringField(4, 'ReduceMax'), ...bytesField(5, axes), ...bytesField(5, keepdims)];
  return modelBytes([
    ...bytesField(1, gemmNode()),
    ...bytesField(1, reshape),
    ...bytesField(1, reduce),
    ...stringField(2, 'similarity-group-max'),
    ...bytesField(11, matrixInfo('A', ['M', dim])),
    ...bytesField(11, matrixInfo('B', ['N', dim])),
    ...bytesField(11, tensorInfo('S', [3], INT64_TENSOR)),
    ...bytesField(12, matrixInfo('Y', ['M', 'N'])),
    ...bytesField(12, matrixInfo('Z', ['M', 'G'])),
  ]);
}
