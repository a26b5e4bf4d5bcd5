import { withCustomGradient } from "../autodiff/custom-grad.js";
import { convBiasGrad } from "../autodiff/rules-linalg.js";
import { depthwiseWeightGrad } from "../autodiff/depthwise-weight-grad.js";
import type { Tensor } from "../graph/graph.js";
import { conv2d } from "../ops/nn-ops.js";
import { gather, reshape } from "../ops/shape-ops.js";
import { depthwiseOutputSize, placeKernel, repeatPerChannel } from "./depthwise-common.js";

/**
 * Output rows per chunk on large planes: from {@link CHUNK_FROM_ROWS} output rows on, the rows form runs on chunks of
 * this many output rows, each with its kh − 1 halo rows gathered (one Gather, (14 + 6) / 14 times the input at 7×7),
 * so each GEMM does (14 + 6) / 7 instead of H / 7 times the useful work. 56×56, 16 tiles, 2 threads: Gather + Conv
 * 17–18 ms vs Conv 21 ms; at 28×28 the chunks were slower (10–10.6 vs 9.1–9.3 ms), so they start at 56 rows.
 */
const ROW_CHUNK = 14;

/** Output-row count from which the rows form is chunked ({@link ROW_CHUNK}). */
const CHUNK_FROM_ROWS = 56;

/** How the output rows are split: `rows` output rows per chunk, each computed from `window` input rows from `starts[q]`. */
interface RowChunks {
  readonly rows: number;
  readonly window: number;
  readonly starts: readonly number[];
}

/** One chunk of all rows, or chunks of {@link ROW_CHUNK} output rows when the plane is large enough. */
function rowChunks(h: number, ho: number, kh: number, padH: number): RowChunks {
  const window = ROW_CHUNK + kh - 1;
  if (ho < CHUNK_FROM_ROWS || ho % ROW_CHUNK !== 0 || h < window) return { rows: ho, window: h, starts: [0] };
  // chunk q computes output rows q·B … q·B + B − 1 from input rows q·B − padH … (B + kh − 1 rows), shifted inside the plane
  const starts = Array.from({ length: ho / ROW_CHUNK }, (_, q) => Math.min(Math.max(q * ROW_CHUNK - padH, 0), h - window));
  return { rows: ROW_CHUNK, window, starts };
}

/**
 * The 1×kw row kernels of {@link depthwiseConvRows}: weight [C·Ho, R, 1, kw] (R input rows per chunk, chunk-major
 * within each channel) with W[(c, yo), r, 0, j] = w[c, yi − yo + p, j] for the chunk's input row yi = start + r (zero
 * where the row offset is outside the kernel), or with the kernel flipped (`flipKernel`, for the input gradient), as
 * the kernel [C, kh·kw] times a constant 0/1 placement matrix.
 */
function rowKernels(w: Tensor, chunks: RowChunks, padH: number, flipKernel: boolean): Tensor {
  const [c, , kh, kw] = w.shape as number[] as [number, number, number, number];
  const { rows, window, starts } = chunks;
  const ho = rows * starts.length;
  const cols = ho * window * kw;
  const placement = new Float32Array(kh * kw * cols);
  for (let yo = 0; yo < ho; yo++) {
    const start = starts[Math.floor(yo / rows)] as number;
    for (let r = 0; r < window; r++) {
      const i = start + r - yo + padH;
      if (i < 0 || i >= kh) continue;
      for (let j = 0; j < kw; j++) {
        const tap = flipKernel ? (kh - 1 - i) * kw + (kw - 1 - j) : i * kw + j;
        placement[tap * cols + (yo * window + r) * kw + j] = 1;
      }
    }
  }
  return reshape(placeKernel(w, placement, cols, "row_kernel_placement"), [c * ho, window, 1, kw]); // [C, Ho·R·kw] → [C·Ho, R, 1, kw]
}

/** Correlation of x [N, C, H, W] with a depthwise kernel as the grouped 1×kw Conv of {@link depthwiseConvRows} → [N, C, Ho, Wo]. */
function rowsCorrelation(x: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number], flipKernel: boolean): Tensor {
  const [n, c, h, wd] = x.shape as number[] as [number, number, number, number];
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const [ho, wo] = depthwiseOutputSize(h, wd, kh, kw, pads);
  const chunks = rowChunks(h, ho, kh, pads[0]);
  const nk = chunks.starts.length;
  // input rows of each chunk as channels: [N, C·nk·R, 1, W] (a Gather of the row windows when chunked)
  const windows = nk === 1 ? x : gather(x, reshape(x.graph.int64s(chunks.starts.flatMap((s) => Array.from({ length: chunks.window }, (_, r) => s + r))), [nk, chunks.window]), 2);
  // bias per output channel (c, yo): b[c] repeated Ho times
  const b = bias ? repeatPerChannel(bias, c, ho) : null;
  const kernels = rowKernels(w, chunks, pads[0], flipKernel);
  const y = conv2d(reshape(windows, [n, c * nk * chunks.window, 1, wd]), kernels, b, { padding: [0, pads[1]], groups: c * nk }); // [N, C·Ho, 1, Wo]
  return reshape(y, [n, c, ho, wo]);
}

/**
 * Depthwise Conv (stride 1, undilated, symmetric padding, weight [C, 1, kh, kw]) of x [N, C, H, W] with each
 * channel's rows as channels: a grouped Conv (C groups) of x viewed as [N, C·H, 1, W] with 1×kw kernels mapping the
 * H input rows to the Ho output rows (zero kernels where the row offset exceeds the kernel). onnxruntime then runs
 * one GEMM [Ho, H·kw]·[H·kw, Wo] per tile and channel over an im2col only kw× the input, instead of its depthwise
 * path (im2col 49× the input, one-row GEMM, ≈ 3–5 GMAC/s); the GEMM does H/kh times the useful work. NCHW in and
 * out (reshapes only). 1 thread, 16 tiles, forward with the NHWC transpose: 56×56 41 vs 49 ms, 28×28 15 vs 31,
 * 14×14 8.5 vs 19.5, 7×7 6.5 vs 18 (there {@link depthwiseConvSwapped}, 3.9, is faster). From 56 output rows on, the
 * rows are split into chunks of 14 output rows whose 20 input rows are gathered first ({@link ROW_CHUNK}). For fed weights
 * (constant weights get onnxruntime's NCHWc depthwise kernel). The gradient is hand-written: the input gradient is
 * the same form applied to gy with the flipped kernel, the weight gradient `depthwiseWeightGrad`'s band GEMM.
 */
export function depthwiseConvRows(x: Tensor, w: Tensor, bias: Tensor | null, pads: readonly [number, number]): Tensor {
  const [kh, kw] = [w.shape[2] as number, w.shape[3] as number];
  const y = rowsCorrelation(x, w, bias, pads, false);
  return withCustomGradient(y, bias ? [x, w, bias] : [x, w], (gy, needs) => {
    const gx = needs[0] ? rowsCorrelation(gy, w, null, [kh - 1 - pads[0], kw - 1 - pads[1]], true) : null;
    const gw = needs[1] ? depthwiseWeightGrad(x, gy, kh, kw, pads[0], pads[1]) : null;
    const gb = needs[2] ? convBiasGrad(gy, 1) : null;
    return [gx, gw, gb];
  });
}
