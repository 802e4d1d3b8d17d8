import { ProtobufWriter } from './protobuf-writer.js';

/**
 * A small in-memory description of an ONNX graph and its serialisation to a ModelProto. Field numbers follow
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
 */

export type OnnxElementType = 'float32' | 'int32' | 'int64' | 'bool';

const ELEMENT_TYPE_CODE: Record<OnnxElementType, number> = { float32: 1, int32: 6, int64: 7, bool: 9 };

export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ kind: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
};

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, OnnxAttribute>;
  domain?: string;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElementType;
  shape: readonly number[];
}

/** A constant baked into the model, e.g. the target shape of a Reshape. */
export interface OnnxInitializer {
  name: string;
  type: 'int64' | 'float32';
  shape: readonly number[];
  values: readonly number[];
}

export interface OnnxGraph {
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxInitializer[];
}

const ATTRIBUTE_TYPE_CODE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;
const OPSET_VERSION = 17;
const IR_VERSION = 8;

function writeAttribute(w: ProtobufWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.int(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedInts(8, a.value);
      break;
  }
  w.int(20, ATTRIBUTE_TYPE_CODE[a.kind]);
}

function writeNode(w: ProtobufWriter, node: OnnxNode, index: number): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, `${node.op}_${index}`);
  w.string(4, node.op);
  for (const [name, a] of Object.entries(node.attributes ?? {})) w.message(5, (m) => writeAttribute(m, name, a));
  if (node.domain !== undefined) w.string(7, node.domain);
}

function writeValueInfo(w: ProtobufWriter, info: OnnxValueInfo): void {
  w.string(1, info.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEMENT_TYPE_CODE[info.type]);
      tensor.message(2, (shape) => {
        for (const d of info.shape) shape.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

function writeInitializer(w: ProtobufWriter, init: OnnxInitializer): void {
  w.packedInts(1, init.shape);
  w.int(2, ELEMENT_TYPE_CODE[init.type]);
  w.string(8, init.name);
  const raw =
    init.type === 'int64'
      ? new Uint8Array(BigInt64Array.from(init.values, (v) => BigInt(v)).buffer)
      : new Uint8Array(Float32Array.from(init.values).buffer);
  w.bytes(9, raw);
}

/** Serialises `graph` as an ONNX ModelProto (default domain at opset 17, other domains at 1). */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model = new ProtobufWriter();
  model.int(1, IR_VERSION);
  model.string(2, 'facelossbench');
  model.message(7, (g) => {
    graph.nodes.forEach((node, i) => g.message(1, (n) => writeNode(n, node, i)));
    g.string(2, 'kernel');
    for (const init of graph.initializers ?? []) g.message(5, (t) => writeInitializer(t, init));
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  model.message(8, (opset) => opset.string(1, '').int(2, OPSET_VERSION));
  // ONNX Runtime's own operators (com.microsoft, e.g. the NCHWc convolution) have a single opset, 1.
  const extraDomains = new Set(graph.nodes.flatMap((n) => (n.domain ? [n.domain] : [])));
  for (const domain of extraDomains) model.message(8, (opset) => opset.string(1, domain).int(2, 1));
  return model.finish();
}
