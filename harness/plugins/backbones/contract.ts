import type * as tf from '@tensorflow/tfjs';
import type { ParamSpecs, ParamValues } from '../params.js';

/** The contract of a backbone plugin (plugins/backbones/<name>.ts): images in, embeddings out. */
export interface BackboneContext<V> {
  /** [height, width, channels] of one input image. */
  inputShape: readonly [number, number, number];
  embeddingDim: number;
  params: V;
  /** Seeds every initialiser, so a run is reproducible. */
  seed: number;
}

export interface BackbonePlugin<P extends ParamSpecs = ParamSpecs> {
  name: string;
  title: string;
  summary?: string;
  params: P;
  /** Input size the backbone is meant for, used when a dataset does not fix one. */
  defaultInput?: readonly [number, number, number];
  /** Checks parameters beyond their ranges; returns an error message naming the parameter, or null. */
  validate?(params: ParamValues<P>): string | null;
  create(ctx: BackboneContext<ParamValues<P>>): tf.LayersModel;
}

export function defineBackbone<P extends ParamSpecs>(plugin: BackbonePlugin<P>): BackbonePlugin<P> {
  return plugin;
}
