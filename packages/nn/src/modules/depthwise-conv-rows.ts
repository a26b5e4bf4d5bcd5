import { withCustomGradient } from "../autodiff/custom-grad.js";
import { depthwiseWeightGrad } from "../autodiff/depthwise-weight-grad.js";
import type { Tensor } from "../graph/graph.js";
import { conv2d } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { reshape } from "../ops/shape-ops.js";
import { depthwiseOutputSize, placeKernel, repeatPerChannel } from "./depthwise-common.js";

/**
 * The 1×kw row kernels of {@link depthwiseConvRows}: weight [C·Ho, H, 1, kw] with
 * W[(c, yo), yi, 0, j] = w[c, yi − yo + p, j] (zero where the row offset is outside the kernel), or with the kernel
 * flipped (`flipKernel`, for the input gradient), as the kernel [C, kh·kw] times a constant 0/1 placement matrix.
 */
function rowKernels(w: Tensor, h: number, ho: number, padH: number, flipKernel: boolean): Tensor {
  const [c, , kh, kw] = w.shape as number[] as [number, number, number, number];
  const cols = ho * h * kw;
  const placement = new Float32Array(kh * kw * cols);
  for (let yo = 0; yo < ho; yo++) {
    for (let yi = 0; yi < h; yi++) {
      const i = yi - yo + padH;
      if (i < 0 || i >= kh) continue;
      for (let j = 0; j < kw; j++) {
        const tap = flipKernel ? (kh - 1 - i) * kw + (kw - 1 - j) : i * kw + j;
        placement[tap * cols + (yo * h + yi) * kw + j] = 1;
      }
    }
  }
  return reshape(placeKernel(w, placement, cols, "row_kernel_placement"), [c * ho, h, 1, kw]); // [C, Ho·H·kw] → [C·Ho, H, 1, kw]
}

/** Correlation of x [N, C, H, W] with a depthwise kernel as the grouped 1×kw Conv of {@link depthwiseConvRows} → [N, C, Ho, Wo]. */
function rowsCorrelation(x: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number], flipKernel: boolean): Tensor {
  const [n, c, h, wd] = x.shape as number[] as [number, number, number, number];
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const [ho, wo] = depthwiseOutputSize(h, wd, kh, kw, pads);
  // bias per output channel (c, yo): b[c] repeated Ho times
  const b = bias ? repeatPerChannel(bias, c, ho) : null;
  const y = conv2d(reshape(x, [n, c * h, 1, wd]), rowKernels(w, h, ho, pads[0], flipKernel), b, { padding: [0, pads[1]], groups: c }); // [N, C·Ho, 1, Wo]
  return reshape(y, [n, c, ho, wo]);
}

/**
 * Depthwise Conv (stride 1, undilated, symmetric padding, weight [C, 1, kh, kw]) of x [N, C, H, W] with each
 * channel's rows as channels: a grouped Conv (C groups) of x viewed as [N, C·H, 1, W] with 1×kw kernels mapping the
 * H input rows to the Ho output rows (zero kernels where the row offset exceeds the kernel). onnxruntime then runs
 * one GEMM [Ho, H·kw]·[H·kw, Wo] per tile and channel over an im2col only kw× the input, instead of its depthwise
 * path (im2col 49× the input, one-row GEMM, ≈ 3–5 GMAC/s); the GEMM does H/kh times the useful work. NCHW in and
 * out (reshapes only). 1 thread, 16 tiles, forward with the NHWC transpose: 56×56 41 vs 49 ms, 28×28 15 vs 31,
 * 14×14 8.5 vs 19.5, 7×7 6.5 vs 18 (there {@link depthwiseConvSwapped}, 3.9, is faster). For fed weights
 * (constant weights get onnxruntime's NCHWc depthwise kernel). The gradient is hand-written: the input gradient is
 * the same form applied to gy with the flipped kernel, the weight gradient `depthwiseWeightGrad`'s band GEMM.
 */
export function depthwiseConvRows(x: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number]): Tensor {
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const y = rowsCorrelation(x, w, bias, pads, false);
  return withCustomGradient(y, bias ? [x, w, bias] : [x, w], (gy, needs) => {
    const gx = needs[0] ? rowsCorrelation(gy, w, null, [kh - 1 - pads[0], kw - 1 - pads[1]], true) : null;
    const gw = needs[1] ? depthwiseWeightGrad(x, gy, kh, kw, pads[0], pads[1]) : null;
    const gb = needs[2] ? reduceSum(gy, [0, 2, 3]) : null;
    return [gx, gw, gb];
  });
}
