import type { OnnxInitializer, OnnxValueInfo } from './onnx-model.js';

/** Shorthands for the graph inputs, outputs and constants the kernel graphs declare. */

export function float32Value(name: string, shape: readonly number[]): OnnxValueInfo {
  return { name, type: 'float32', shape };
}

export function int64Constant(name: string, values: readonly number[]): OnnxInitializer {
  return { name, type: 'int64', shape: [values.length], values };
}

export function float32Scalar(name: string, value: number): OnnxInitializer {
  return { name, type: 'float32', shape: [], values: [value] };
}

/** Key fragment for a shape; session keys must differ whenever a graph would. */
export function shapeKey(shape: readonly number[]): string {
  return shape.join('x');
}
