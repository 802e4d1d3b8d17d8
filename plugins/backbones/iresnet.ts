import * as tf from '@tensorflow/tfjs';
import { defineBackbone, SeededLayers } from 'facelossbench/backbone-kit';

/**
 * insightface's IR-ResNet ("improved residual", Deng et al.) for 112×112 aligned faces: a 3×3 stem, four
 * stages of IBasicBlocks (BN → conv3×3 → BN → PReLU → conv3×3/stride → BN, plus a 1×1 projection shortcut where
 * the shape changes), then BN → dropout → FC → BN. The paper's backbone; meant for GPU users.
 */
const BLOCKS_PER_STAGE: Record<number, readonly number[]> = {
  18: [2, 2, 2, 2],
  34: [3, 4, 6, 3],
  50: [3, 4, 14, 3],
  100: [3, 13, 30, 3],
};
const STAGE_WIDTHS = [64, 128, 256, 512] as const;

export default defineBackbone({
  name: 'iresnet',
  title: 'IR-ResNet',
  summary: 'insightface IResNet (depth 18/34/50/100) for 112×112 faces',
  params: {
    depth: { default: 50, min: 18, max: 100, integer: true, doc: 'network depth: 18, 34, 50 or 100' },
    widthScale: { default: 1, min: 0.0625, max: 4, doc: 'multiplies every stage width (1 = insightface)' },
    dropout: { default: 0, min: 0, max: 0.9, doc: 'dropout rate before the embedding FC' },
  },
  defaultInput: [112, 112, 3],
  validate: ({ depth }) =>
    BLOCKS_PER_STAGE[depth] ? null : `parameter 'depth' must be one of ${Object.keys(BLOCKS_PER_STAGE).join(', ')}, got ${depth}`,
  create({ inputShape, embeddingDim, params, seed }) {
    const blocks = BLOCKS_PER_STAGE[params.depth]!;
    const L = new SeededLayers(seed);
    const widths = STAGE_WIDTHS.map((w) => Math.max(1, Math.round(w * params.widthScale)));
    const input = tf.input({ shape: [...inputShape] });
    let x = L.conv(widths[0]!, 3).apply(input) as tf.SymbolicTensor;
    x = L.batchNorm().apply(x) as tf.SymbolicTensor;
    x = L.prelu(true).apply(x) as tf.SymbolicTensor;
    let channels = widths[0]!;
    blocks.forEach((count, stage) => {
      for (let i = 0; i < count; i++) {
        const stride = i === 0 ? 2 : 1;
        x = basicBlock(L, x, channels, widths[stage]!, stride);
        channels = widths[stage]!;
      }
    });
    return tf.model({ inputs: input, outputs: L.embedding(x, embeddingDim, params.dropout), name: `iresnet${params.depth}` });
  },
});

function basicBlock(L: SeededLayers, x: tf.SymbolicTensor, inChannels: number, outChannels: number, stride: number): tf.SymbolicTensor {
  let y = L.batchNorm().apply(x) as tf.SymbolicTensor;
  y = L.conv(outChannels, 3).apply(y) as tf.SymbolicTensor;
  y = L.batchNorm().apply(y) as tf.SymbolicTensor;
  y = L.prelu(true).apply(y) as tf.SymbolicTensor;
  y = L.conv(outChannels, 3, stride).apply(y) as tf.SymbolicTensor;
  y = L.batchNorm().apply(y) as tf.SymbolicTensor;
  let shortcut = x;
  if (stride !== 1 || inChannels !== outChannels) {
    shortcut = L.conv(outChannels, 1, stride).apply(x) as tf.SymbolicTensor;
    shortcut = L.batchNorm().apply(shortcut) as tf.SymbolicTensor;
  }
  return tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor;
}
