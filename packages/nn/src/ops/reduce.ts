import type { Tensor } from "../graph/graph.js";
import { attr, normAxis } from "../graph/shape.js";
import type { Dim } from "../graph/types.js";

function reduce(op: string, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const norm = axes.map((a) => normAxis(op, a, x.rank, [x.shape])).sort((p, q) => p - q);
  const shape: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!norm.includes(i)) shape.push(d);
    else if (keepdims) shape.push(1);
  });
  const g = x.graph;
  return g.addNode(op, [x, g.int64s(norm)], [{ dtype: x.dtype, shape }], { keepdims: attr.int(keepdims ? 1 : 0) })[0] as Tensor;
}

/** Sum over axes. */
export const reduceSum = (x: Tensor, axes: readonly number[], keepdims = false): Tensor => reduce("ReduceSum", x, axes, keepdims);
/** Mean over axes. */
export const reduceMean = (x: Tensor, axes: readonly number[], keepdims = false): Tensor => reduce("ReduceMean", x, axes, keepdims);
/** Maximum over axes (gradient shared equally among ties, like `torch.amax`). */
export const reduceMax = (x: Tensor, axes: readonly number[], keepdims = false): Tensor => reduce("ReduceMax", x, axes, keepdims);
