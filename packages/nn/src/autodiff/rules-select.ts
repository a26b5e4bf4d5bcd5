import type { Tensor } from "../graph/graph.js";
import { attr } from "../graph/shape.js";
import { greaterOrEqual } from "./compare.js";
import { where } from "../ops/elementwise.js";
import { fullLike } from "../ops/shape-ops.js";
import { attrInt, type GradRule, inp, out, sumTo } from "./helpers.js";

/** Scatter-adds `upd` into zeros shaped like `like` at `indices` along `axis` (ScatterElements, reduction add). */
function scatterAdd(like: Tensor, indices: Tensor, upd: Tensor, axis: number): Tensor {
  return like.graph.addNode("ScatterElements", [fullLike(like, 0), indices, upd], [{ dtype: like.dtype, shape: like.shape }], {
    axis: attr.int(axis),
    reduction: attr.string("add"),
  })[0] as Tensor;
}

/** Gradient rules of TopK, GatherElements and Max (ties go to the first operand, like clamp_min). */
export const selectRules: [string, GradRule][] = [
  ["TopK", (n, [gv]) => [gv ? scatterAdd(inp(n, 0), out(n, 1), gv, attrInt(n, "axis", -1)) : null, null]],
  ["GatherElements", (n, [gy]) => [gy ? scatterAdd(inp(n, 0), inp(n, 1), gy, attrInt(n, "axis", 0)) : null, null]],
  ["Max", (n, [gy], need) => {
    if (!gy) return [null, null];
    const [a, b] = [inp(n, 0), inp(n, 1)];
    const first = greaterOrEqual(a, b);
    return [need[0] ? sumTo(where(first, gy, 0), a) : null, need[1] ? sumTo(where(first, 0, gy), b) : null];
  }],
];
