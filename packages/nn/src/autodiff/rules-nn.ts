import type { Node, Tensor } from "../graph/graph.js";
import { add, cast, div, exp, mul, sqrt, sub } from "../ops/elementwise.js";
import { conv2d } from "../ops/nn-ops.js";
import { reduceMean, reduceSum } from "../ops/reduce.js";
import { gather, reshape } from "../ops/shape-ops.js";
import { depthwiseWeightGrad } from "./depthwise-weight-grad.js";
import { attrInt, attrInts, constValues, type GradRule, inp, out, sumLeadingAxes } from "./helpers.js";
import { linalgRules } from "./rules-linalg.js";

const softmaxRule: GradRule = (n, [gy]) => {
  if (!gy) return [null];
  const y = out(n);
  const axis = attrInt(n, "axis", -1);
  return [mul(y, sub(gy, reduceSum(mul(gy, y), [axis], true)))];
};

const logSoftmaxRule: GradRule = (n, [gy]) => {
  if (!gy) return [null];
  const axis = attrInt(n, "axis", -1);
  return [sub(gy, mul(exp(out(n)), reduceSum(gy, [axis], true)))];
};

/** Mean and 1/σ of a float32 LayerNormalization node: its own optional outputs (no recomputation). */
function savedStats(n: Node, x: Tensor): [Tensor, Tensor] {
  const shape = [...x.shape.slice(0, -1), 1];
  while (n.outputs.length < 3) x.graph.extendNode(n, "float32", shape);
  return [out(n, 1), out(n, 2)];
}

/**
 * LayerNormalization over the last axis. float32: mean and 1/σ are the node's saved outputs;
 * other dtypes recompute them in the input dtype (the saved ones are float32).
 */
const layerNormRule: GradRule = (n, [gy], need) => {
  if (!gy) return [null, null, null];
  const [x, scale, bias] = [inp(n, 0), inp(n, 1), n.inputs[2] ?? null];
  const eps = attrInt(n, "epsilon", 1e-5);
  let mean: Tensor;
  let invStd: Tensor;
  if (x.dtype === "float32") [mean, invStd] = savedStats(n, x);
  else {
    mean = reduceMean(x, [-1], true);
    const xc0 = sub(x, mean);
    invStd = div(1, sqrt(add(reduceMean(mul(xc0, xc0), [-1], true), eps)));
  }
  const xhat = mul(sub(x, mean), invStd);
  const lead = x.shape.slice(0, -1).map((_, i) => i);
  let gx: Tensor | null = null;
  if (need[0]) {
    const dxhat = mul(gy, scale);
    const m1 = reduceMean(dxhat, [-1], true);
    const m2 = reduceMean(mul(dxhat, xhat), [-1], true);
    gx = mul(invStd, sub(sub(dxhat, m1), mul(xhat, m2)));
  }
  const gs = need[1] ? (lead.length ? sumLeadingAxes(mul(gy, xhat), lead) : mul(gy, xhat)) : null;
  const gb = need[2] && bias ? (lead.length ? sumLeadingAxes(gy, lead) : gy) : null;
  return [gx, gs, gb];
};

/** 1/(1 − p) of a Dropout node (its ratio input is a constant). */
export function dropoutScale(n: Node): number {
  const [p] = constValues(n.inputs[1], "Dropout");
  return 1 / (1 - (p ?? 0.5));
}

/**
 * Dropout: the saved mask times 1/(1 − p), as (gy·s)·float(mask) (onnxruntime folds the scale
 * into a MatMul that produced gy; a Cast and a Mul are faster there than a Where).
 */
const dropoutRule: GradRule = (n, [gy]) => {
  if (!gy) return [null, null, null];
  return [mul(mul(gy, dropoutScale(n)), cast(out(n, 1), gy.dtype)), null, null];
};

/** The general Conv rule (ConvTranspose input gradient, grouped-conv weight gradient). */
const generalConvRule = linalgRules.find(([op]) => op === "Conv")?.[1] as GradRule;

/** w[c, 0, i, j] → w[c, 0, kh−1−i, kw−1−j] (both spatial axes reversed), as one Gather over the flattened kernel. */
function flipKernel(w: Tensor, kh: number, kw: number): Tensor {
  const c = w.shape[0] as number;
  const rev = w.graph.int64s(Array.from({ length: kh * kw }, (_, i) => kh * kw - 1 - i));
  return reshape(gather(reshape(w, [c, kh * kw]), rev, 1), [c, 1, kh, kw]);
}

/**
 * Conv. Depthwise, stride 1, dilation 1 (ConvNeXt's 7×7): the input gradient is the same depthwise
 * Conv of gy with the kernel flipped and padding k−1−p, which onnxruntime's CPU Conv runs several
 * times faster than the grouped ConvTranspose of the general rule; the weight gradient is one batched
 * GEMM per channel ({@link depthwiseWeightGrad}). Everything else (and the bias gradient) uses the general rule.
 */
const convRule: GradRule = (n, gys, need) => {
  const [x, w] = [inp(n, 0), inp(n, 1)];
  const [gy] = gys;
  const groups = attrInt(n, "group", 1);
  const [cout, ci, kh, kw] = w.shape as number[] as [number, number, number, number];
  const pads = attrInts(n, "pads", [0, 0, 0, 0]);
  const unit = (a: readonly number[]) => a.every((v) => v === 1);
  const [ph, pw] = [kh - 1 - (pads[0] as number), kw - 1 - (pads[1] as number)];
  const depthwise = ci === 1 && cout === groups && x.shape[1] === groups && unit(attrInts(n, "strides", [1, 1])) && unit(attrInts(n, "dilations", [1, 1]));
  const symmetric = pads[0] === pads[2] && pads[1] === pads[3] && ph >= 0 && pw >= 0;
  const staticShapes = [...x.shape, ...(gy?.shape ?? [])].every((d) => typeof d === "number");
  if (!gy || !depthwise || !symmetric || !staticShapes) return generalConvRule(n, gys, need);
  const [, , gb] = generalConvRule(n, gys, [false, false, need[2] ?? false]);
  const gx = need[0] ? conv2d(gy, flipKernel(w, kh, kw), null, { padding: [ph, pw], groups }) : null;
  const gw = need[1] ? depthwiseWeightGrad(x, gy, kh, kw, pads[0] as number, pads[1] as number) : null;
  return [gx, gw, gb ?? null];
};

/** Gradient rules of Softmax, LogSoftmax, LayerNormalization, Dropout and Conv (its depthwise fast path; replaces the general entry). */
export const nnRules: [string, GradRule][] = [
  ["Softmax", softmaxRule],
  ["LogSoftmax", logSoftmaxRule],
  ["LayerNormalization", layerNormRule],
  ["Dropout", dropoutRule],
  ["Conv", convRule],
];
