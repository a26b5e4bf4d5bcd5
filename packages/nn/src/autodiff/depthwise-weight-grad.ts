import type { Tensor } from "../graph/graph.js";
import { matmul } from "../ops/linalg.js";
import { reduceSum } from "../ops/reduce.js";
import { gather, pad, reshape, transpose } from "../ops/shape-ops.js";

/**
 * Weight gradient of a depthwise, stride-1, undilated Conv with symmetric padding (ConvNeXt's 7×7) as
 * one batched GEMM per channel instead of a grouped Conv whose kernel is gy (onnxruntime runs that as
 * im2col plus one-row GEMMs, ≈ 2 GMAC/s):
 *
 *   dW[c, i, j] = Σ_{n, y, x} xp[n, c, y + i, x + j] · gy[n, c, y, x]        (xp: x zero-padded)
 *
 * For each channel, M = bandᵀ · gy, with gy as [N·Ho, Wo] and band[(n, y), (i, x')] = xp[n, c, y + i, x']
 * (the kh padded rows below each output row, one Gather), gives M[(i, x'), x] = Σ_{n, y} xp·gy; the
 * gradient is the sum of M along the kw diagonals x' = x + j. The GEMM does Wp/kw times the useful
 * multiply-adds, but at GEMM speed: 1.3–2.5× faster over ConvNeXt-Tiny's four stages at 16 tiles of 224 px.
 *
 * x: [N, C, H, W], gy: [N, C, Ho, Wo] → [C, 1, kh, kw].
 */
export function depthwiseWeightGrad(x: Tensor, gy: Tensor, kh: number, kw: number, padH: number, padW: number): Tensor {
  return depthwiseWeightGradChannelsFirst(transpose(x, [1, 0, 2, 3]), transpose(gy, [1, 0, 2, 3]), kh, kw, padH, padW);
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
  const gyRows = reshape(gyc, [c, n * ho, wo]); // [C, N·Ho, Wo]
  // bandᵀ · gyRows (onnxruntime folds the transpose into FusedMatMul(transA); ≈ 12 % faster than gyRowsᵀ · band)
  const m = reshape(matmul(transpose(band, [0, 2, 1]), gyRows), [c, kh * wp * wo]); // [C, kh·Wp, Wo]
  const diagonals: number[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let col = 0; col < wo; col++) diagonals.push((i * wp + col + j) * wo + col);
  const picked = gather(m, reshape(g.int64s(diagonals), [kh, kw, wo]), 1); // [C, kh, kw, Wo]
  return reshape(reduceSum(picked, [3]), [c, 1, kh, kw]);
}
