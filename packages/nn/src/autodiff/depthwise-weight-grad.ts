import type { Tensor } from "../graph/graph.js";
import { matmul } from "../ops/linalg.js";
import { reduceSum } from "../ops/reduce.js";
import { concat, gather, pad, reshape, transpose } from "../ops/shape-ops.js";

/**
 * Weight gradient of a depthwise, stride-1, undilated Conv with symmetric padding (ConvNeXt's 7×7) as
 * one batched GEMM per channel instead of a grouped Conv whose kernel is gy (onnxruntime runs that as
 * im2col plus one-row GEMMs, ≈ 2 GMAC/s):
 *
 *   dW[c, i, j] = Σ_{n, y, x} xp[n, c, y + i, x + j] · gy[n, c, y, x]        (xp: x zero-padded)
 *
 * For each channel, M = bandᵀ · gy, with gy as [N·Ho, Wo] and band[(n, y), (i, x')] = x[n, c, y + i − padH, x']
 * (the kh rows below each output row, zero outside the plane; one Gather), gives M[(i, x'), x] = Σ_{n, y} x·gy;
 * the gradient is the sum of M along the kw diagonals x' = x + j − padW inside the row (a GEMM with a constant
 * 0/1 tap matrix). The GEMM does W/kw times the useful multiply-adds, but at GEMM speed: 1.3–2.5× faster over
 * ConvNeXt-Tiny's four stages at 16 tiles of 224 px. The rows are gathered straight from x's NCHW rows plus one
 * appended zero row (a Concat, which copies x at memcpy speed), so x needs no channels-first transpose and no Pad
 * (onnxruntime's Pad and Transpose run on one thread: ≈ 5 and 6 ms at [16, 96, 56, 56] in the step).
 *
 * x: [N, C, H, W], gy: [N, C, Ho, Wo] → [C, 1, kh, kw].
 */
export function depthwiseWeightGrad(x: Tensor, gy: Tensor, kh: number, kw: number, padH: number, padW: number): Tensor {
  const g = x.graph;
  const [n, c, h, w] = x.shape as number[] as [number, number, number, number];
  const [, , ho, wo] = gy.shape as number[] as [number, number, number, number];
  const zeroRow = n * c * h; // index of the appended zero row
  const rows = g.cachedConstant(`depthwise_band_rows:${n},${c},${h},${ho},${kh},${padH}`, () => {
    const idx = new BigInt64Array(c * n * ho * kh);
    let k = 0;
    for (let ch = 0; ch < c; ch++) for (let b = 0; b < n; b++) for (let y = 0; y < ho; y++) for (let i = 0; i < kh; i++) {
      const yi = y + i - padH;
      idx[k++] = BigInt(yi >= 0 && yi < h ? (b * c + ch) * h + yi : zeroRow);
    }
    return g.constant(idx, [c, n * ho, kh], "int64", "depthwise_band_rows");
  });
  const zeros = g.cachedConstant(`zeros:[1,${w}]`, () => g.constant(new Float32Array(w), [1, w], "float32", "zeros"));
  const xRows = concat([reshape(x, [n * c * h, w]), zeros], 0); // [N·C·H + 1, W]
  const band = reshape(gather(xRows, rows, 0), [c, n * ho, kh * w]); // [C, N·Ho, kh·W]
  const m = bandProduct(band, reshape(transpose(gy, [1, 0, 2, 3]), [c, n * ho, wo])); // [C, kh·W·Wo]
  const taps = g.cachedConstant(`depthwise_row_taps:${kh},${kw},${w},${wo},${padW}`, () => {
    const t = new Float32Array(kh * w * wo * kh * kw);
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let col = 0; col < wo; col++) {
      const xi = col + j - padW;
      if (xi >= 0 && xi < w) t[((i * w + xi) * wo + col) * kh * kw + i * kw + j] = 1;
    }
    return g.constant(t, [kh * w * wo, kh * kw], "float32", "depthwise_row_taps");
  });
  return reshape(matmul(m, taps), [c, 1, kh, kw]);
}

/**
 * M = bandᵀ · gyRows per channel, flattened: row bands [C, N·Ho, kh·Wb] and gy's rows [C, N·Ho, Wo] → [C, kh·Wb·Wo]
 * (onnxruntime folds the transpose into FusedMatMul(transA); ≈ 12 % faster than gyRowsᵀ · band).
 */
function bandProduct(band: Tensor, gyRows: Tensor): Tensor {
  const [c, , bandWidth] = band.shape as number[] as [number, number, number];
  return reshape(matmul(transpose(band, [0, 2, 1]), gyRows), [c, bandWidth * (gyRows.shape[2] as number)]);
}

/** dW from the padded row bands [C, N·Ho, kh·Wp] and gy's rows [C, N·Ho, Wo]: {@link bandProduct}, then the sums along the kw diagonals → [C, 1, kh, kw]. */
function bandWeightGrad(band: Tensor, gyRows: Tensor, kh: number, kw: number): Tensor {
  const g = band.graph;
  const c = band.shape[0] as number;
  const wo = gyRows.shape[2] as number;
  const wp = (band.shape[2] as number) / kh;
  const m = bandProduct(band, gyRows); // [C, kh·Wp·Wo]
  const diagonals: number[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let col = 0; col < wo; col++) diagonals.push((i * wp + col + j) * wo + col);
  const picked = gather(m, reshape(g.int64s(diagonals), [kh, kw, wo]), 1); // [C, kh, kw, Wo]
  return reshape(reduceSum(picked, [3]), [c, 1, kh, kw]);
}

/** {@link depthwiseWeightGrad} of channels-first operands: xc [C, N, H, W], gyc [C, N, Ho, Wo] → [C, 1, kh, kw]. */
export function depthwiseWeightGradChannelsFirst(xc: Tensor, gyc: Tensor, kh: number, kw: number, padH: number, padW: number): Tensor {
  const g = xc.graph;
  const [c, n] = xc.shape as number[] as [number, number];
  const [, , ho, wo] = gyc.shape as number[] as [number, number, number, number];
  const wp = wo + kw - 1;
  const xp = padH || padW ? pad(xc, [0, 0, padH, padW, 0, 0, padH, padW]) : xc; // [C, N, Hp, Wp]
  const rows = reshape(g.int64s(Array.from({ length: ho * kh }, (_, k) => Math.floor(k / kh) + (k % kh))), [ho, kh]);
  const band = reshape(gather(xp, rows, 2), [c, n * ho, kh * wp]); // [C, N·Ho, kh·Wp]
  return bandWeightGrad(band, reshape(gyc, [c, n * ho, wo]), kh, kw);
}

/**
 * Largest H·W·Ho·Wo for which {@link depthwiseWeightGradDense} is used (7×7 planes): there the per-channel
 * product xᵀ·gy over the N tiles plus one GEMM with a constant 0/1 tap matrix (≈ 3 ms at [768, 16, 7, 7]) beats the
 * row bands (pad, Gather, GEMM, diagonal Gather: ≈ 13 ms); at 14×14 the tap GEMM alone is 0.7 GMAC.
 */
export const DENSE_WEIGHT_GRAD_MAX = 49 * 49;

/**
 * The depthwise weight gradient for small planes: G[c] = xc[c]ᵀ·gyc[c] ([H·W, Ho·Wo], summed over the N tiles),
 * then dW[c, i, j] = Σ G[c, (u, v), (y, x)] over u − y = i − padH, v − x = j − padW, as G·P with a constant 0/1
 * matrix P [H·W·Ho·Wo, kh·kw]. xc [C, N, H, W], gyc [C, N, Ho, Wo] → [C, 1, kh, kw].
 */
export function depthwiseWeightGradDense(xc: Tensor, gyc: Tensor, kh: number, kw: number, padH: number, padW: number): Tensor {
  const g = xc.graph;
  const [c, n, h, w] = xc.shape as number[] as [number, number, number, number];
  const [, , ho, wo] = gyc.shape as number[] as [number, number, number, number];
  const gram = matmul(transpose(reshape(xc, [c, n, h * w]), [0, 2, 1]), reshape(gyc, [c, n, ho * wo])); // [C, H·W, Ho·Wo]
  // (one constant per graph for all blocks of a stage)
  const taps = g.cachedConstant(`depthwise_taps:${h},${w},${ho},${wo},${kh},${kw},${padH},${padW}`, () => {
    const t = new Float32Array(h * w * ho * wo * kh * kw);
    for (let u = 0; u < h; u++) for (let v = 0; v < w; v++) for (let y = 0; y < ho; y++) for (let x = 0; x < wo; x++) {
      const [i, j] = [u - y + padH, v - x + padW];
      if (i >= 0 && i < kh && j >= 0 && j < kw) t[(((u * w + v) * ho + y) * wo + x) * kh * kw + i * kw + j] = 1;
    }
    return g.constant(t, [h * w * ho * wo, kh * kw], "float32", "depthwise_taps");
  });
  const dw = matmul(reshape(gram, [c, h * w * ho * wo]), taps);
  return reshape(dw, [c, 1, kh, kw]);
}
