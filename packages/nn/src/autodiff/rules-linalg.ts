import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { attr } from "../graph/shape.js";
import { mul } from "../ops/elementwise.js";
import { gemm, matmul } from "../ops/linalg.js";
import { conv2d } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { reshape, slice, transpose } from "../ops/shape-ops.js";
import { attrInt, attrInts, type GradRule, inp, sumLeadingAxes, sumTo } from "./helpers.js";

/** The permutation of `rank` axes that swaps the last two. */
function swapLastPerm(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return perm;
}

function swapLast(t: Tensor): Tensor {
  return transpose(t, swapLastPerm(t.rank));
}

/** True when `t` is a Transpose that swaps the last two axes of its input. */
function isSwapLast(t: Tensor): boolean {
  const n = t.producer;
  if (n?.op !== "Transpose" || t.rank < 2) return false;
  const perm = attrInts(n, "perm", []);
  return perm.length === t.rank && swapLastPerm(t.rank).every((p, i) => p === perm[i]);
}

const matmulRule: GradRule = (n, [gy], need) => {
  const [a, b] = [inp(n, 0), inp(n, 1)];
  if (!gy) return [null, null];
  const ga = need[0] ? sumTo(matmul(gy, swapLast(b)), a) : null;
  let gb: Tensor | null = null;
  if (need[1]) {
    const k = a.shape[a.rank - 1];
    const nOut = gy.shape[gy.rank - 1];
    if (b.rank === 2 && a.rank > 2 && typeof k === "number" && typeof nOut === "number") {
      // one GEMM over all rows instead of a batched product then a sum
      const [a2, gy2] = [reshape(a, [-1, k]), reshape(gy, [-1, nOut])];
      // b = wᵀ (Linear): compute dw = gyᵀ·a directly, so the Transpose rule's transpose cancels
      // this one instead of materialising a weight-sized transpose every step
      gb = b.producer?.op === "Transpose" ? swapLast(matmul(swapLast(gy2), a2)) : matmul(swapLast(a2), gy2);
    } else if (isSwapLast(b) && a.rank === b.rank && gy.rank === b.rank && a.shape.slice(0, -2).every((d, i) => d === b.shape[i])) {
      // b = srcᵀ (last two axes, e.g. keys in q·kᵀ): d src = gyᵀ·a, a GEMM transposing gy instead of
      // a (≈ 12 % faster for attention's [T, T]ᵀ·[T, hd + 1]); the Transpose rule's transpose cancels this one
      gb = swapLast(matmul(swapLast(gy), a));
    } else gb = sumTo(matmul(swapLast(a), gy), b);
  }
  return [ga, gb];
};

const gemmRule: GradRule = (n, [gy], need) => {
  const [a, b, c] = [inp(n, 0), inp(n, 1), n.inputs[2] ?? null];
  if (!gy) return [null, null, null];
  const transA = attrInt(n, "transA", 0) === 1;
  const transB = attrInt(n, "transB", 0) === 1;
  const alpha = attrInt(n, "alpha", 1);
  const beta = attrInt(n, "beta", 1);
  let ga: Tensor | null = null;
  let gb: Tensor | null = null;
  if (need[0]) {
    ga = transA ? gemm(b, gy, null, { transA: transB, transB: true, alpha }) : gemm(gy, b, null, { transB: !transB, alpha });
  }
  if (need[1]) {
    gb = transB ? gemm(gy, a, null, { transA: true, transB: transA, alpha }) : gemm(a, gy, null, { transA: !transA, alpha });
  }
  const gc = need[2] && c ? sumTo(beta === 1 ? gy : mul(gy, beta), c) : null;
  return [ga, gb, gc];
};

/**
 * Ungrouped, unpadded, undilated Conv whose stride equals its kernel (ConvNeXt stem and downsampling):
 * non-overlapping patches. The caller also asks for patches of ≥ 64 elements: for the 3·4·4 stem the
 * GEMM plus its transposes measured slower than the general form (13 vs 7 ms at 16 tiles of 224 px).
 */
function isPatchify(groups: number, strides: readonly number[], pads: readonly number[], dil: readonly number[], kh: number, kw: number, h: number, w: number): boolean {
  return groups === 1 && strides[0] === kh && strides[1] === kw && pads.every((p) => p === 0) && dil.every((d) => d === 1) && h % kh === 0 && w % kw === 0;
}

/**
 * Weight gradient of a patchify Conv as one GEMM: dw[o, (i, a, b)] = Σ_{n, y, x} gy[n, o, y, x] · x[n, i, y·kh + a, x·kw + b].
 * onnxruntime runs the general rule's form (a grouped Conv whose kernel is gy) as im2col plus one-row
 * GEMMs, ≈ 4× slower here. x: [N, ci, Ho·kh, Wo·kw], gy: [N, cout, Ho, Wo] → [cout, ci, kh, kw].
 */
function patchifyWeightGrad(x: Tensor, gy: Tensor, [cout, ci, kh, kw]: readonly [number, number, number, number]): Tensor {
  const [n, , ho, wo] = gy.shape as number[] as [number, number, number, number];
  const patches = reshape(transpose(reshape(x, [n, ci, ho, kh, wo, kw]), [0, 2, 4, 1, 3, 5]), [n * ho * wo, ci * kh * kw]);
  const gyRows = reshape(transpose(gy, [1, 0, 2, 3]), [cout, n * ho * wo]);
  return reshape(matmul(gyRows, patches), [cout, ci, kh, kw]);
}

/**
 * A Conv bias gradient: gy summed over every axis but `channelAxis` → [C]. When gy is a Transpose that brings
 * a channels-last tensor's last axis to `channelAxis` (ConvNeXt's gradients come back from its channels-last
 * Linears), the sum runs over that tensor's leading axes (`sumLeadingAxes`: a MatMul with a row of ones, where
 * onnxruntime's ReduceSum over these axes runs on one thread: 4.5 ms vs ≈ 1.5 ms at [16, 56, 56, 96], 2 threads).
 */
export function convBiasGrad(gy: Tensor, channelAxis: number): Tensor {
  const n = gy.producer;
  const src = n?.op === "Transpose" ? n.inputs[0] : undefined;
  if (n && src && attrInts(n, "perm", [])[channelAxis] === src.rank - 1) return sumLeadingAxes(src, Array.from({ length: src.rank - 1 }, (_, i) => i));
  return reduceSum(gy, Array.from({ length: gy.rank }, (_, i) => i).filter((a) => a !== channelAxis));
}

const convRule: GradRule = (n, [gy], need) => {
  const [x, w, b] = [inp(n, 0), inp(n, 1), n.inputs[2] ?? null];
  if (!gy) return [null, null, null];
  const groups = attrInt(n, "group", 1);
  const strides = attrInts(n, "strides", [1, 1]) as [number, number];
  const pads = attrInts(n, "pads", [0, 0, 0, 0]);
  const dil = attrInts(n, "dilations", [1, 1]) as [number, number];
  const [cout, ci, kh, kw] = w.shape as number[] as [number, number, number, number];
  const [bn, , h, wd] = x.shape;
  const [, , ho, wo] = gy.shape;
  const shapes = [x.shape, w.shape];
  if ([bn, h, wd, ho, wo].some((d) => typeof d !== "number")) throw new ShapeError("Conv gradient", shapes, "batch and spatial dims must be static");
  if (pads[0] !== pads[2] || pads[1] !== pads[3]) throw new ShapeError("Conv gradient", shapes, "only symmetric pads are supported");
  const [N, H, W, Ho, Wo] = [bn, h, wd, ho, wo] as number[] as [number, number, number, number, number];
  const p = [pads[0] as number, pads[1] as number] as const;
  let gx: Tensor | null = null;
  if (need[0]) {
    const outPad = [H - (strides[0] * (Ho - 1) + (kh - 1) * dil[0] + 1 - 2 * p[0]), W - (strides[1] * (Wo - 1) + (kw - 1) * dil[1] + 1 - 2 * p[1])];
    gx = x.graph.addNode("ConvTranspose", [gy, w], [{ dtype: x.dtype, shape: x.shape }], {
      strides: attr.ints(strides),
      pads: attr.ints(pads),
      dilations: attr.ints(dil),
      group: attr.int(groups),
      kernel_shape: attr.ints([kh, kw]),
      output_padding: attr.ints(outPad),
    })[0] as Tensor;
  }
  let gw: Tensor | null = null;
  if (need[1] && isPatchify(groups, strides, pads, dil, kh, kw, H, W) && ci * kh * kw >= 64) gw = patchifyWeightGrad(x, gy, [cout, ci, kh, kw]);
  else if (need[1]) {
    // batch·groups become conv groups; per-group input channels become the batch
    const co = cout / groups;
    const xs = reshape(transpose(reshape(x, [N, groups, ci, H, W]), [2, 0, 1, 3, 4]), [ci, N * groups, H, W]);
    const ws = reshape(gy, [N * cout, 1, Ho, Wo]);
    let r = conv2d(xs, ws, null, { strides: dil, padding: p, dilations: strides, groups: N * groups }); // [ci, N·cout, ≥kh, ≥kw]
    if (r.shape[2] !== kh || r.shape[3] !== kw) r = slice(r, [0, 0], [kh, kw], [2, 3]);
    const summed = reduceSum(reshape(r, [ci, N, groups, co, kh, kw]), [1]); // [ci, G, co, kh, kw]
    gw = reshape(transpose(summed, [1, 2, 0, 3, 4]), [cout, ci, kh, kw]);
  }
  const gb = need[2] && b ? convBiasGrad(gy, 1) : null;
  return [gx, gw, gb];
};

/** Gradient rules of MatMul, Gemm and Conv (with groups). */
export const linalgRules: [string, GradRule][] = [
  ["MatMul", matmulRule],
  ["Gemm", gemmRule],
  ["Conv", convRule],
];
