import { withCustomGradient } from "../autodiff/custom-grad.js";
import { convBiasGrad } from "../autodiff/rules-linalg.js";
import { DENSE_WEIGHT_GRAD_MAX, depthwiseWeightGradChannelsFirst, depthwiseWeightGradDense } from "../autodiff/depthwise-weight-grad.js";
import type { Tensor } from "../graph/graph.js";
import { conv2d } from "../ops/nn-ops.js";
import { reshape, transpose } from "../ops/shape-ops.js";
import { depthwiseOutputSize, placeKernel, repeatPerChannel } from "./depthwise-common.js";

/**
 * Largest output plane (Ho·Wo) computed with image and kernel swapped ({@link depthwiseConvSwapped}): its GEMM
 * does ≈ H·W/k² times the useful work, so it wins only on small planes. 1 thread, 16 tiles, weights fed as
 * inputs (forward incl. the NHWC transpose): 7×7 3.9 vs 18 ms (Conv) and 6.5 (rows as channels); at 14×14 it is
 * 14.3 ms against 8.5 for the rows-as-channels form (and 19.5 for the Conv).
 */
export const SWAPPED_MAX_PLANE = 7 * 7;

/** Reverses both spatial axes of x [.., H, W] as one reversed copy of the flattened H·W axis (faster than two reversed axes). */
function flipSpatial(x: Tensor): Tensor {
  const g = x.graph;
  const shape = x.shape as number[];
  const lead = shape.slice(0, -2);
  const flat = reshape(x, [...lead, (shape[shape.length - 2] as number) * (shape[shape.length - 1] as number)]);
  const axis = lead.length;
  const rev = g.addNode("Slice", [flat, g.int64s([-1]), g.int64s([-(2 ** 62)]), g.int64s([axis]), g.int64s([-1])], [{ dtype: x.dtype, shape: flat.shape }])[0] as Tensor;
  return reshape(rev, shape);
}

/**
 * The per-channel image I [1, C, Ho + H − 1, Wo + W − 1] such that a grouped Conv of I with the flipped tiles as
 * filters is the correlation of the tiles with `w`: I[t, s] = w[p + H − 1 − t, p + W − 1 − s] (zero outside the
 * kernel), or with the kernel flipped (`flipKernel`, for the input gradient): the kernel [C, kh·kw] times a constant
 * 0/1 placement matrix (exact: one 1 per column). Faster than a Gather of single floats or of kernel rows plus a
 * transpose (which onnxruntime runs on one thread), and than a Pad of the kernel, which onnxruntime folds into the
 * Conv's pads, whose padded im2col is ≈ 10 % slower (≈ 1 ms per call at 14×14).
 */
function kernelImage(w: Tensor, h: number, wd: number, ho: number, wo: number, pads: readonly [number, number], flipKernel: boolean): Tensor {
  const [c, , kh, kw] = w.shape as number[] as [number, number, number, number];
  const [ih, iw] = [ho + h - 1, wo + wd - 1];
  const placement = new Float32Array(kh * kw * ih * iw);
  for (let t = 0; t < ih; t++) {
    for (let s = 0; s < iw; s++) {
      let [i, j] = [pads[0] + h - 1 - t, pads[1] + wd - 1 - s];
      if (flipKernel) [i, j] = [kh - 1 - i, kw - 1 - j];
      if (i >= 0 && i < kh && j >= 0 && j < kw) placement[(i * kw + j) * ih * iw + t * iw + s] = 1;
    }
  }
  return reshape(placeKernel(w, placement, ih * iw, "kernel_placement"), [1, c, ih, iw]); // [C, ih·iw] → [1, C, ih, iw]
}

/** Correlation of channels-first tiles dc [C, N, H, W] with a depthwise kernel, via the swapped grouped Conv → [C, N, Ho, Wo]. */
function swappedCorrelation(dc: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number], flipKernel: boolean): Tensor {
  const [c, n, h, wd] = dc.shape as number[] as [number, number, number, number];
  const [, , kh, kw] = w.shape as number[] as [number, number, number, number];
  const [ho, wo] = depthwiseOutputSize(h, wd, kh, kw, pads);
  const filters = reshape(flipSpatial(dc), [c * n, 1, h, wd]); // the N tiles of each channel are its N filters
  // per-output-channel bias [C·N]: b[c] repeated N times
  const b = bias ? repeatPerChannel(bias, c, n) : null;
  const y = conv2d(kernelImage(w, h, wd, ho, wo, pads, flipKernel), filters, b, { groups: c }); // [1, C·N, Ho, Wo]
  return reshape(y, [c, n, ho, wo]);
}

/**
 * Depthwise Conv (stride 1, undilated, symmetric padding, weight [C, 1, kh, kw]) of x [N, C, H, W] with the roles
 * of image and kernel swapped: the zero-padded kernel is a small image and each channel's N tiles are N filters
 * of a grouped Conv (C groups), so onnxruntime runs one GEMM [N, H·W]·[H·W, Ho·Wo] per channel over an im2col of
 * the kernel image that stays in cache, instead of its depthwise path (im2col + one-row GEMM, ≈ 3–5 GMAC/s) —
 * when the weights are not constants (constant weights get onnxruntime's NCHWc depthwise kernel).
 * Returns y [C, N, Ho, Wo] (channels first). The gradient is hand-written: the input gradient is the same swapped
 * correlation of gy with the flipped kernel, the weight gradient the band GEMM of `depthwiseWeightGrad` (on 7×7
 * planes `depthwiseWeightGradDense`), reusing the channels-first x and gy.
 */
export function depthwiseConvSwapped(x: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number]): Tensor {
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const xc = transpose(x, [1, 0, 2, 3]); // [C, N, H, W]
  const y = swappedCorrelation(xc, w, bias, pads, false);
  const inputs = bias ? [x, w, bias] : [x, w];
  return withCustomGradient(y, inputs, (gy, needs) => {
    const gx = needs[0] ? transpose(swappedCorrelation(gy, w, null, [kh - 1 - pads[0], kw - 1 - pads[1]], true), [1, 0, 2, 3]) : null;
    const dense = (xc.shape[2] as number) * (xc.shape[3] as number) * (gy.shape[2] as number) * (gy.shape[3] as number) <= DENSE_WEIGHT_GRAD_MAX;
    const gw = needs[1] ? (dense ? depthwiseWeightGradDense : depthwiseWeightGradChannelsFirst)(xc, gy, kh, kw, pads[0], pads[1]) : null;
    const gb = needs[2] ? convBiasGrad(gy, 0) : null;
    return [gx, gw, gb];
  });
}

/** How a depthwise Conv is computed: onnxruntime's Conv, {@link depthwiseConvRows} or {@link depthwiseConvSwapped}. */
export type DepthwiseForm = "conv" | "rows" | "swapped";

/**
 * The fastest form for this input and weight (measured, 1 thread, 16 tiles): constant weights or symbolic shapes keep
 * the Conv (onnxruntime's NCHWc depthwise kernel, for constant weights); fed weights use the swapped form on planes
 * up to {@link SWAPPED_MAX_PLANE}, the rows-as-channels form above.
 */
export function depthwiseForm(x: Tensor, w: Tensor, pads: readonly [number, number]): DepthwiseForm {
  if (![...x.shape, ...w.shape].every((d) => typeof d === "number")) return "conv";
  if (x.graph.initializers.has(w.name)) return "conv";
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const [ho, wo] = depthwiseOutputSize(x.shape[2] as number, x.shape[3] as number, kh, kw, pads);
  if (ho <= 0 || wo <= 0 || pads[0] >= kh || pads[1] >= kw) return "conv";
  return ho * wo <= SWAPPED_MAX_PLANE ? "swapped" : "rows";
}
