import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The arguments tfjs passes a kernel function registered for the ort-cpu backend. */
export interface OrtKernelArgs<Inputs, Attrs> {
  inputs: Inputs;
  backend: MathBackendCPU;
  attrs: Attrs;
}

/** A reference (tfjs-backend-cpu) kernel to fall back on for inputs ORT is not given. */
export type ReferenceKernel = (args: { inputs: object; backend: MathBackendCPU; attrs?: NamedAttrMap }) =>
  | TensorInfo
  | TensorInfo[];
