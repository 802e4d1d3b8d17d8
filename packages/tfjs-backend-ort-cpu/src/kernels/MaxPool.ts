import { backend_util, type MaxPoolAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';
import { maxPool2x2Simd } from '../simd/max-pool-simd.js';

/**
 * MaxPool over NHWC with the channel loop innermost (2×2 windows at stride 2 on SIMD kernels where the channels
 * are a multiple of 4 and nothing is left over, simd/max-pool-simd.ts), so every read is sequential. Not an ORT kernel (ONNX
 * pools NCHW, and the transposes would cost more than the pool); tfjs-backend-cpu's loop runs channels
 * outermost and strides through memory. Window bounds follow tfjs exactly: rows and columns start at
 * max(0, corner), and a window of only NaN yields −∞.
 */
export function maxPoolNhwc(x: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const y = new Float32Array(batchSize * outHeight * outWidth * channels);
  // Offsets of the window's pixels for the current output; per channel, the maximum is then kept in a register.
  const window = new Int32Array(info.filterHeight * info.filterWidth);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowCorner = yR * strideHeight - padTop;
      const rowMin = Math.max(0, rowCorner);
      const rowMax = Math.min(inHeight, effectiveFilterHeight + rowCorner);
      for (let yC = 0; yC < outWidth; yC++) {
        const colCorner = yC * strideWidth - padLeft;
        const colMin = Math.max(0, colCorner);
        const colMax = Math.min(inWidth, effectiveFilterWidth + colCorner);
        let size = 0;
        for (let xR = rowMin; xR < rowMax; xR += dilationHeight) {
          for (let xC = colMin; xC < colMax; xC += dilationWidth) window[size++] = xBatch + (xR * inWidth + xC) * channels;
        }
        const out = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          let max = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < size; k++) {
            // Math.max is branch-free (a compare-and-branch mispredicts on about every other pixel); NaN pixels
            // are skipped, as tfjs does, by the predictable test in front of it.
            const pixel = x[window[k]! + d]!;
            if (pixel === pixel) max = Math.max(max, pixel);
          }
          y[out + d] = max;
        }
      }
    }
  }
  return y;
}

/**
 * The common case — 2×2 windows, stride 2, no padding — with the window's four reads fixed and the maximum
 * taken by selection: `pair[+(b > a)]` picks from a two-slot scratch array without a branch. Math.max and
 * `a > b ? a : b` both compile to branches that mispredict on about every other pixel (post-ReLU inputs are
 * half zeros), and ran 2.5× slower. Pairs (a, b), (c, d), then the two winners: ties keep the earlier pixel,
 * as tfjs's scan does. A window with a NaN (rare, so its test is predictable) takes the NaN-skipping path.
 */
export function maxPool2x2Nhwc(x: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const y = new Float32Array(batchSize * outHeight * outWidth * channels);
  const row = inWidth * channels;
  const pair = new Float64Array(2);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      const top = (b * inHeight + 2 * r) * row;
      for (let c = 0; c < outWidth; c++) {
        const p = top + 2 * c * channels;
        for (let d = 0; d < channels; d++, o++) {
          const q = p + d;
          const v0 = x[q]!;
          const v1 = x[q + channels]!;
          const v2 = x[q + row]!;
          const v3 = x[q + row + channels]!;
          const sum = v0 + v1 + v2 + v3;
          if (sum !== sum) {
            const best = firstMaxSkippingNaN(x, q, q + channels, q + row, q + row + channels);
            y[o] = best >= 0 ? x[best]! : Number.NEGATIVE_INFINITY;
            continue;
          }
          pair[0] = v0;
          pair[1] = v1;
          const top2 = pair[+(v1 > v0)]!;
          pair[0] = v2;
          pair[1] = v3;
          const bottom2 = pair[+(v3 > v2)]!;
          pair[0] = top2;
          pair[1] = bottom2;
          y[o] = pair[+(bottom2 > top2)]!;
        }
      }
    }
  }
  return y;
}

/**
 * tfjs's rule for a window: the position of the first largest non-NaN pixel among these, −1 if all are NaN (the
 * forward pass then yields −∞, the gradient passes nothing).
 */
export function firstMaxSkippingNaN(x: Float32Array, ...positions: number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  let best = -1;
  for (const k of positions) {
    if (x[k]! > max) {
      max = x[k]!;
      best = k;
    }
  }
  return best;
}

/** 2×2 windows at stride 2 that start at the origin and never leave the input. */
export function isPlain2x2Pool(info: backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 &&
    info.dilationHeight === 1 && info.dilationWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 &&
    2 * info.outHeight <= info.inHeight && 2 * info.outWidth <= info.inWidth
  );
}

export function makeMaxPoolKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<{ x: TensorInfo }, MaxPoolAttrs>): TensorInfo | TensorInfo[] => {
    const { x } = inputs;
    if (!ortEligible(backend, [x]) || x.shape.length !== 4) return reference({ inputs, backend, attrs: { ...attrs } });
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    // tfjs returns the input itself for a 1×1 window of stride 1; the reference kernel does that without a copy.
    if (info.filterWidth === 1 && info.filterHeight === 1 && info.outShape.every((d, i) => d === x.shape[i])) {
      return reference({ inputs, backend, attrs: { ...attrs } });
    }
    const data = float32Data(backend, x);
    const y = isPlain2x2Pool(info) ? (maxPool2x2Simd(data, info) ?? maxPool2x2Nhwc(data, info)) : maxPoolNhwc(data, info);
    return float32Output(backend, info.outShape, y);
  };
}
