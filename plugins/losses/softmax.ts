import { defineLoss, linearHead } from 'facelossbench/loss-kit';

/** Plain softmax: logits x·W_j, no bias, nothing normalised. The baseline every margin loss is measured against. */
export default defineLoss({
  name: 'softmax',
  title: 'Softmax',
  summary: 'logits x·W_j (no bias, no normalisation)',
  params: {},
  createHead: (ctx) => linearHead(ctx),
});
