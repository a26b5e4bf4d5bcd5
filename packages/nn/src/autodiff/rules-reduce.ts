import type { Tensor } from "../graph/graph.js";
import { cast, div, equal, mul } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { expandAs, unsqueeze } from "../ops/shape-ops.js";
import { attrInt, constValues, type GradRule, inp, out } from "./helpers.js";

function keep(n: Parameters<GradRule>[0], t: Tensor, axes: number[]): Tensor {
  return attrInt(n, "keepdims", 1) === 1 ? t : unsqueeze(t, axes);
}

function axesOf(n: Parameters<GradRule>[0], rank: number): number[] {
  return n.inputs[1] ? constValues(n.inputs[1], n.op).map((a) => (a < 0 ? a + rank : a)) : Array.from({ length: rank }, (_, i) => i);
}

const reduceSumRule: GradRule = (n, [gy]) => {
  const x = inp(n, 0);
  return [gy ? expandAs(keep(n, gy, axesOf(n, x.rank)), x) : null, null];
};

const reduceMeanRule: GradRule = (n, [gy]) => {
  if (!gy) return [null, null];
  const x = inp(n, 0);
  const axes = axesOf(n, x.rank);
  const dims = axes.map((a) => x.shape[a]);
  const g = expandAs(keep(n, gy, axes), x);
  if (dims.every((d) => typeof d === "number")) return [mul(g, 1 / (dims as number[]).reduce((p, q) => p * q, 1)), null];
  // symbolic reduced dims: divide by the runtime count
  const count = reduceSum(expandAs(x.graph.scalar(1, x.dtype), x), axes, true);
  return [div(g, count), null];
};

/** ReduceMax: gradient shared equally among the maxima (torch.amax semantics). */
const reduceMaxRule: GradRule = (n, [gy]) => {
  if (!gy) return [null, null];
  const x = inp(n, 0);
  const axes = axesOf(n, x.rank);
  const y = keep(n, out(n), axes);
  const hit = cast(equal(x, y), x.dtype);
  const count = reduceSum(hit, axes, true);
  return [mul(div(hit, count), keep(n, gy, axes)), null];
};

/** Gradient rules of ReduceSum, ReduceMean and ReduceMax. */
export const reduceRules: [string, GradRule][] = [
  ["ReduceSum", reduceSumRule],
  ["ReduceMean", reduceMeanRule],
  ["ReduceMax", reduceMaxRule],
];
