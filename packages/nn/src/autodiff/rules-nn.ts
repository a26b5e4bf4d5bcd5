import type { Node, Tensor } from "../graph/graph.js";
import { add, cast, div, exp, mul, sqrt, sub } from "../ops/elementwise.js";
import { reduceMean, reduceSum } from "../ops/reduce.js";
import { attrInt, constValues, type GradRule, inp, out } from "./helpers.js";

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
  const gs = need[1] ? (lead.length ? reduceSum(mul(gy, xhat), lead) : mul(gy, xhat)) : null;
  const gb = need[2] && bias ? (lead.length ? reduceSum(gy, lead) : gy) : null;
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

/** Gradient rules of Softmax, LogSoftmax, LayerNormalization and Dropout. */
export const nnRules: [string, GradRule][] = [
  ["Softmax", softmaxRule],
  ["LogSoftmax", logSoftmaxRule],
  ["LayerNormalization", layerNormRule],
  ["Dropout", dropoutRule],
];
