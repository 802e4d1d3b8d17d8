import * as tf from '@tensorflow/tfjs';
import { DLIB_EMBEDDING_DIM, DLIB_PENULTIMATE_DIM, dlibResnetForward, type DlibResnetWeights } from './dlib-resnet.js';

/**
 * The pretrained dlib ResNet as one frozen Keras-style layer. Its weights are constants, never variables, so
 * an optimiser cannot move them. The harness feeds images normalised as (p − 127.5)/128; the layer undoes that
 * before dlib's own normalisation, so it sees the pixels it was trained on.
 */
export class DlibResnetLayer extends tf.layers.Layer {
  static className = 'DlibResnetTrunk';
  readonly outputDim: number;

  constructor(
    private readonly resnet: DlibResnetWeights,
    private readonly features: 'embedding' | 'penultimate',
  ) {
    super({ name: 'dlib_resnet', trainable: false });
    this.outputDim = features === 'embedding' ? DLIB_EMBEDDING_DIM : DLIB_PENULTIMATE_DIM;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0] ?? null, this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      // The inverse of harness/formats/image.ts normalisePixel, (p − 127.5)/128.
      const pixels = tf.add(tf.mul(x, 128), 127.5) as tf.Tensor4D;
      return dlibResnetForward(this.resnet, pixels)[this.features];
    });
  }
}
