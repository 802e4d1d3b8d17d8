import * as tf from '@tensorflow/tfjs';
import { defineBackbone, SeededLayers } from 'facelossbench/backbone-kit';
import { UserError } from '../../harness/core/errors.js';
import { DlibResnetLayer } from '../../harness/face/dlib-resnet-layer.js';
import { DLIB_CHIP_SIZE, loadDlibResnetWeights } from '../../harness/face/dlib-resnet.js';

/**
 * dlib's pretrained face-recognition ResNet (the weights @vladmandic/face-api ships; 99.38% on LFW as published)
 * as a frozen trunk. With an embedding size equal to its output (128, or 256 with `penultimate`) it is the
 * pretrained model as it is; any other size puts a trainable embedding block (BN, FC, BN) on top, so a loss
 * study trains only that head on real-face features.
 */
export default defineBackbone({
  name: 'faceapi-resnet',
  title: 'dlib ResNet (pretrained, frozen)',
  summary: 'pretrained dlib face ResNet-29 on 150×150 dlib chips; frozen; optional trainable embedding head',
  params: {
    penultimate: { default: false, doc: 'expose the 256-d pooled features under the 128-d descriptor' },
    dropout: { default: 0, min: 0, max: 0.9, doc: 'dropout rate before the trainable head (when one is added)' },
  },
  defaultInput: [DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, 3],
  create({ inputShape, embeddingDim, params, seed }) {
    if (inputShape[0] !== DLIB_CHIP_SIZE || inputShape[1] !== DLIB_CHIP_SIZE || inputShape[2] !== 3) {
      throw new UserError(`backbone faceapi-resnet takes ${DLIB_CHIP_SIZE}×${DLIB_CHIP_SIZE}×3 dlib chips, got ${inputShape.join('×')} (align the dataset with flb align --template dlib150)`);
    }
    const trunk = new DlibResnetLayer(loadDlibResnetWeights(), params.penultimate ? 'penultimate' : 'embedding');
    const input = tf.input({ shape: [...inputShape] });
    const features = trunk.apply(input) as tf.SymbolicTensor;
    const output = embeddingDim === trunk.outputDim ? features : new SeededLayers(seed).embedding(features, embeddingDim, params.dropout);
    return tf.model({ inputs: input, outputs: output, name: 'faceapi_resnet' });
  },
});
