import { backend_util, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { ortEligible, float32Data, float32Output } from '../onnx/tensor-io.js';
import type { OrtKernelArgs, ReferenceKernel } from '../kernel-types.js';
import { firstMaxSkippingNaN, isPlain2x2Pool } from './MaxPool.js';
import { maxPoolGrad2x2Simd } from '../simd/max-pool-simd.js';

/**
 * MaxPoolGrad with direct NHWC indexing: each output's gradient goes to the first position holding its
 * window's maximum (strictly greater wins, as in tfjs's maxPoolPositions; windows of only NaN/−∞ pass none).
 * Not an ORT kernel — ONNX has no pooling gradient — but tfjs-backend-cpu's version reads every element
 * through TensorBuffer.get and was the largest single kernel of a ConvNet step after the GEMMs moved to ORT.
 * Per output, the window's pixel offsets are listed once; each channel then scans them with its maximum in a
 * register, and reads stay sequential across channels.
 */
export function maxPoolGradNhwc(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Overlapping windows can send several gradients to one input: accumulate those in doubles, as the reference
  // does, so they sum the same way. Disjoint windows (the usual 2×2, stride 2) write each input at most once.
  const overlapping = strideHeight < effectiveFilterHeight || strideWidth < effectiveFilterWidth;
  const dx = overlapping ? new Float64Array(x.length) : new Float32Array(x.length);
  const window = new Int32Array(info.filterHeight * info.filterWidth);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * channels;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowCorner = yR * strideHeight - padTop;
      let rowMin = rowCorner;
      while (rowMin < 0) rowMin += dilationHeight;
      const rowMax = Math.min(inHeight, effectiveFilterHeight + rowCorner);
      for (let yC = 0; yC < outWidth; yC++) {
        const colCorner = yC * strideWidth - padLeft;
        let colMin = colCorner;
        while (colMin < 0) colMin += dilationWidth;
        const colMax = Math.min(inWidth, effectiveFilterWidth + colCorner);
        let size = 0;
        for (let xR = rowMin; xR < rowMax; xR += dilationHeight) {
          for (let xC = colMin; xC < colMax; xC += dilationWidth) window[size++] = xBatch + (xR * inWidth + xC) * channels;
        }
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (let k = 0; k < size; k++) {
            const index = window[k]! + d;
            const pixel = x[index]!;
            if (pixel > maxValue) {
              maxValue = pixel;
              maxIndex = index;
            }
          }
          if (maxIndex >= 0) dx[maxIndex] += dy[dyBase + d]!;
        }
      }
    }
  }
  return dx instanceof Float32Array ? dx : new Float32Array(dx);
}

/**
 * The common case — 2×2 windows, stride 2, no padding: disjoint windows, four fixed reads per output, and the
 * gradient written to the first maximum's position, found by the same branch-free selections as
 * maxPool2x2Nhwc (max-pool.ts), the position following by integer arithmetic. A window with a NaN takes the
 * general scan (comparisons with NaN are false, so NaN never wins; a window of only NaN passes no gradient).
 */
export function maxPoolGrad2x2Nhwc(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const dx = new Float32Array(x.length);
  const row = inWidth * channels;
  const pair = new Float64Array(2);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      const top = (b * inHeight + 2 * r) * row;
      for (let c = 0; c < outWidth; c++) {
        const p = top + 2 * c * channels;
        for (let d = 0; d < channels; d++, o++) {
          const q0 = p + d;
          const q1 = q0 + channels;
          const q2 = q0 + row;
          const q3 = q2 + channels;
          const v0 = x[q0]!;
          const v1 = x[q1]!;
          const v2 = x[q2]!;
          const v3 = x[q3]!;
          const sum = v0 + v1 + v2 + v3;
          if (sum !== sum) {
            const best = firstMaxSkippingNaN(x, q0, q1, q2, q3);
            if (best >= 0) dx[best] = dy[o]!;
            continue;
          }
          // Values by selection from a scratch pair; positions by integer arithmetic (exact).
          const right = +(v1 > v0);
          const bottomRight = +(v3 > v2);
          pair[0] = v0;
          pair[1] = v1;
          const topMax = pair[right]!;
          pair[0] = v2;
          pair[1] = v3;
          const lower = +(pair[bottomRight]! > topMax);
          dx[q0 + right * channels + lower * (row + (bottomRight - right) * channels)] = dy[o]!;
        }
      }
    }
  }
  return dx;
}

interface MaxPoolGradInputs {
  dy: TensorInfo;
  input: TensorInfo;
  output: TensorInfo;
}

export function makeMaxPoolGradKernel(reference: ReferenceKernel) {
  return ({ inputs, backend, attrs }: OrtKernelArgs<MaxPoolGradInputs, MaxPoolGradAttrs>): TensorInfo | TensorInfo[] => {
    const { dy, input } = inputs;
    if (!ortEligible(backend, [dy, input])) return reference({ inputs, backend, attrs: { ...attrs } });
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs.filterSize,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    if (info.outShape.some((d, i) => d !== dy.shape[i])) return reference({ inputs, backend, attrs: { ...attrs } });
    const [xData, dyData] = [float32Data(backend, input), float32Data(backend, dy)];
    const dx = isPlain2x2Pool(info)
      ? (maxPoolGrad2x2Simd(xData, dyData, info) ?? maxPoolGrad2x2Nhwc(xData, dyData, info))
      : maxPoolGradNhwc(xData, dyData, info);
    return float32Output(backend, input.shape, dx);
  };
}
