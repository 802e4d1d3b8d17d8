import type { backend_util } from '@tensorflow/tfjs';
import { attr, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from '../onnx/onnx-model.js';
import { float32Scalar, float32Value, int64Constant, shapeKey } from '../onnx/graph-values.js';

/**
 * The bias-add and activation that tfjs's fused ops (_FusedMatMul, FusedConv2D) apply after the product,
 * appended to the ORT graph so the result is written once instead of three times.
 */
export interface EpilogueSpec {
  biasShape?: readonly number[];
  activation?: backend_util.Activation | null;
  preluShape?: readonly number[];
  leakyreluAlpha?: number;
  /** NCHW outputs need a per-channel 1-D bias or PReLU slope reshaped to [C, 1, 1] to broadcast like tfjs. */
  channelsFirst?: boolean;
}

export interface EpilogueGraph {
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  initializers: OnnxInitializer[];
}

export const BIAS_INPUT = 'bias';
export const PRELU_INPUT = 'prelu_alpha';

export function epilogueKey(spec: EpilogueSpec): string {
  return [
    spec.biasShape ? `b${shapeKey(spec.biasShape)}` : '',
    spec.activation ?? '',
    spec.preluShape ? `p${shapeKey(spec.preluShape)}` : '',
    spec.activation === 'leakyrelu' ? String(spec.leakyreluAlpha ?? 0.2) : '',
    spec.channelsFirst ? 'nchw' : '',
  ].join('|');
}

function perChannel(name: string, shape: readonly number[], channelsFirst: boolean, g: EpilogueGraph): string {
  if (!channelsFirst || shape.length !== 1 || shape[0] === 1) return name;
  const reshaped = `${name}_c11`;
  g.initializers.push(int64Constant(`${name}_c11_shape`, [shape[0], 1, 1]));
  g.nodes.push({ op: 'Reshape', inputs: [name, `${name}_c11_shape`], outputs: [reshaped] });
  return reshaped;
}

function activationNodes(input: string, output: string, spec: EpilogueSpec, g: EpilogueGraph): void {
  const act = spec.activation ?? 'linear';
  switch (act) {
    case 'linear':
      g.nodes.push({ op: 'Identity', inputs: [input], outputs: [output] });
      return;
    case 'relu':
      g.nodes.push({ op: 'Relu', inputs: [input], outputs: [output] });
      return;
    case 'relu6':
      g.initializers.push(float32Scalar('relu6_min', 0), float32Scalar('relu6_max', 6));
      g.nodes.push({ op: 'Clip', inputs: [input, 'relu6_min', 'relu6_max'], outputs: [output] });
      return;
    case 'elu':
      g.nodes.push({ op: 'Elu', inputs: [input], outputs: [output], attributes: { alpha: attr.float(1) } });
      return;
    case 'sigmoid':
      g.nodes.push({ op: 'Sigmoid', inputs: [input], outputs: [output] });
      return;
    case 'leakyrelu':
      g.nodes.push({
        op: 'LeakyRelu',
        inputs: [input],
        outputs: [output],
        attributes: { alpha: attr.float(spec.leakyreluAlpha ?? 0.2) },
      });
      return;
    case 'prelu': {
      if (!spec.preluShape) throw new Error('ort-cpu: prelu activation without preluActivationWeights');
      g.inputs.push(float32Value(PRELU_INPUT, spec.preluShape));
      const slope = perChannel(PRELU_INPUT, spec.preluShape, spec.channelsFirst ?? false, g);
      g.nodes.push({ op: 'PRelu', inputs: [input, slope], outputs: [output] });
      return;
    }
    default:
      throw new Error(`ort-cpu: activation '${act as string}' is not supported`);
  }
}

/** Nodes turning `input` into `output` = activation(input + bias). */
export function epilogueGraph(input: string, output: string, spec: EpilogueSpec): EpilogueGraph {
  const g: EpilogueGraph = { nodes: [], inputs: [], initializers: [] };
  let current = input;
  if (spec.biasShape) {
    g.inputs.push(float32Value(BIAS_INPUT, spec.biasShape));
    const bias = perChannel(BIAS_INPUT, spec.biasShape, spec.channelsFirst ?? false, g);
    g.nodes.push({ op: 'Add', inputs: [current, bias], outputs: ['biased'] });
    current = 'biased';
  }
  activationNodes(current, output, spec, g);
  return g;
}
