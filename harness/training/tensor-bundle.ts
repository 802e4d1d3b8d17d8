import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomic-write.js';
import { UserError } from '../core/errors.js';
import { readJsonFile } from '../core/read-file.js';

/** A list of float32 tensors as NAME.json (shapes) + NAME.bin (the values, concatenated, little-endian). */
export function writeTensorBundle(dir: string, name: string, tensors: readonly tf.Tensor[]): void {
  const shapes = tensors.map((t) => t.shape);
  const total = tensors.reduce((n, t) => n + t.size, 0);
  const values = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    values.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  writeFileAtomic(join(dir, `${name}.bin`), new Uint8Array(values.buffer));
  writeJsonAtomic(join(dir, `${name}.json`), { dtype: 'float32', shapes });
}

export function readTensorBundle(dir: string, name: string): tf.Tensor[] {
  const jsonPath = join(dir, `${name}.json`);
  const binPath = join(dir, `${name}.bin`);
  const shapes = (readJsonFile(jsonPath, `checkpoint ${name} shapes`) as { shapes: number[][] }).shapes;
  let bytes: Buffer;
  try {
    bytes = readFileSync(binPath);
  } catch (e) {
    throw new UserError(`checkpoint ${dir}: cannot read ${name}: ${(e as Error).message}`);
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const expected = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  if (values.length !== expected) {
    throw new UserError(`checkpoint ${binPath}: holds ${values.length} values, ${jsonPath} describes ${expected}`);
  }
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(values.subarray(offset, offset + size), shape, 'float32');
    offset += size;
    return t;
  });
}
