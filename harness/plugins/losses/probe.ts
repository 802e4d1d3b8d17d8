import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../core/errors.js';
import { headPass } from './head-pass.js';
import type { LossPlugin } from './contract.js';
import { createLossHead } from './registry.js';
import type { RawParams } from '../params.js';

/** `flb plugins probe` input: one batch, given in full, so any plugin can be compared with any reference. */
export interface ProbeInput {
  embeddings: number[][];
  labels: number[];
  weights: number[][];
  /** Classes, where a class has several weight columns (Sub-center ArcFace: weights D×C·K); default: the columns. */
  numClasses?: number;
  step?: number;
  training?: boolean;
  state?: Record<string, unknown>;
}

export interface ProbeOutput {
  loss: number;
  logits: number[][];
  gradEmbeddings: number[][];
  gradWeights: number[][];
  diagnostics: Record<string, number>;
  state: Record<string, unknown>;
  /** The random values the pass drew (ElasticFace's margins); only present when it drew some. */
  draws?: number[];
}

function isMatrix(v: unknown): v is number[][] {
  return Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

/** Checks the input's shapes and types; every message names the field and what was expected. */
export function validateProbeInput(value: unknown, source: string): ProbeInput {
  const v = value as Partial<ProbeInput>;
  if (!v || typeof v !== 'object') throw new UserError(`${source}: expected a JSON object with embeddings, labels and weights`);
  if (!isMatrix(v.embeddings)) throw new UserError(`${source}: "embeddings" must be an N×D array of finite numbers`);
  if (!isMatrix(v.weights)) throw new UserError(`${source}: "weights" must be a D×C array of finite numbers`);
  const n = v.embeddings.length;
  const d = v.embeddings[0]!.length;
  const columns = v.weights[0]!.length;
  if (v.numClasses !== undefined && (!Number.isInteger(v.numClasses) || v.numClasses < 1 || columns % v.numClasses !== 0)) {
    throw new UserError(`${source}: "numClasses" must be a whole number that divides the ${columns} columns of "weights"`);
  }
  const c = v.numClasses ?? columns;
  if (v.embeddings.some((r) => r.length !== d)) throw new UserError(`${source}: "embeddings" rows differ in length`);
  if (v.weights.length !== d || v.weights.some((r) => r.length !== columns)) {
    throw new UserError(`${source}: "weights" must be ${d}×C (D = ${d} from embeddings), got ${v.weights.length} rows`);
  }
  if (!Array.isArray(v.labels) || v.labels.length !== n || v.labels.some((l) => !Number.isInteger(l) || l < 0 || l >= c)) {
    throw new UserError(`${source}: "labels" must be ${n} whole numbers in [0, ${c - 1}]`);
  }
  if (v.step !== undefined && (!Number.isInteger(v.step) || v.step < 0)) throw new UserError(`${source}: "step" must be a whole number ≥ 0`);
  if (v.training !== undefined && typeof v.training !== 'boolean') throw new UserError(`${source}: "training" must be true or false`);
  if (v.state !== undefined && (typeof v.state !== 'object' || v.state === null)) throw new UserError(`${source}: "state" must be an object`);
  return v as ProbeInput;
}

export function probeLoss(plugin: LossPlugin, params: RawParams, input: ProbeInput): ProbeOutput {
  const numClasses = input.numClasses ?? input.weights[0]!.length;
  const embeddingDim = input.weights.length;
  const { head } = createLossHead(plugin, params, { numClasses, embeddingDim, seed: 0 });
  try {
    const expected = head.classWeights.shape.join('×');
    const given = `${embeddingDim}×${input.weights[0]!.length}`;
    if (given !== expected) {
      throw new UserError(`"weights" is ${given}, loss '${plugin.name}' with ${numClasses} classes needs ${expected} (set "numClasses" if a class has several columns)`);
    }
    head.classWeights.assign(tf.tensor2d(input.weights));
    if (input.state) head.load(input.state);
    const embeddings = tf.tensor2d(input.embeddings);
    const labels = tf.tensor1d(input.labels, 'int32');
    const p = headPass(head, embeddings, labels, { step: input.step ?? 0, training: input.training ?? true });
    const pass = {
      loss: p.loss,
      logits: p.logits.arraySync(),
      gradEmbeddings: p.gradEmbeddings.arraySync(),
      gradWeights: p.gradWeights.arraySync(),
    };
    tf.dispose([embeddings, labels, p.logits, p.gradEmbeddings, p.gradWeights, ...p.gradVariables]);
    const draws = head.draws?.() ?? [];
    return { ...pass, diagnostics: head.diagnostics(), state: head.state(), ...(draws.length ? { draws } : {}) };
  } finally {
    head.dispose();
  }
}
