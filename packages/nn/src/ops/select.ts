import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { attr, broadcastShapes, normAxis } from "../graph/shape.js";
import type { Dim } from "../graph/types.js";
import { div, mul, sqrt, type TensorLike } from "./elementwise.js";
import { reduceSum } from "./reduce.js";

/**
 * The k largest entries along an axis (ONNX TopK, sorted descending): values and int64 indices.
 * `k` is a number, or an int64 [1] tensor fed at run time (the axis then becomes symbolic `"k"`).
 */
export function topK(x: Tensor, k: number | Tensor, axis = -1): { values: Tensor; indices: Tensor } {
  const a = normAxis("TopK", axis, x.rank, [x.shape]);
  const d = x.shape[a];
  if (typeof k === "number" && (!Number.isInteger(k) || k < 1 || (typeof d === "number" && k > d))) {
    throw new ShapeError("TopK", [x.shape], `k = ${k} is not in [1, ${d}]`);
  }
  if (typeof k !== "number" && (k.dtype !== "int64" || k.rank !== 1)) throw new ShapeError("TopK", [x.shape, k.shape], "k must be an int64 [1] tensor");
  const shape = x.shape.map((v, i) => (i === a ? (typeof k === "number" ? k : "k") : v));
  const kt = typeof k === "number" ? x.graph.int64s([k]) : k;
  const [values, indices] = x.graph.addNode("TopK", [x, kt], [
    { dtype: x.dtype, shape },
    { dtype: "int64", shape },
  ], { axis: attr.int(a), largest: attr.int(1), sorted: attr.int(1) });
  return { values: values as Tensor, indices: indices as Tensor };
}

/** out[i][j] = x[i][indices[i][j]] along `axis` (ONNX GatherElements); indices int64 with x's rank. */
export function gatherElements(x: Tensor, indices: Tensor, axis: number): Tensor {
  const a = normAxis("GatherElements", axis, x.rank, [x.shape, indices.shape]);
  if (indices.rank !== x.rank || indices.dtype !== "int64") throw new ShapeError("GatherElements", [x.shape, indices.shape], "indices must be int64 of the same rank");
  return x.graph.addNode("GatherElements", [x, indices], [{ dtype: x.dtype, shape: indices.shape }], { axis: attr.int(a) })[0] as Tensor;
}

/** Element-wise maximum of two tensors with broadcasting (e.g. clamp_min: `maximum(x, 1e-8)`). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const ta = typeof a === "number" ? (b as Tensor).graph.scalar(a, (b as Tensor).dtype) : a;
  const tb = typeof b === "number" ? ta.graph.scalar(b, ta.dtype) : b;
  if (ta.dtype !== tb.dtype) throw new ShapeError("Max", [ta.shape, tb.shape], `dtype ${ta.dtype} vs ${tb.dtype}`);
  const shape: Dim[] = broadcastShapes("Max", [ta.shape, tb.shape]);
  return ta.graph.addNode("Max", [ta, tb], [{ dtype: ta.dtype, shape }])[0] as Tensor;
}

/**
 * Passes x through but blocks gradients (PyTorch `detach()`), e.g. for BYOL/MFR targets computed in
 * the same graph as the student.
 */
export function stopGradient(x: Tensor): Tensor {
  const y = x.graph.addNode("Identity", [x], [{ dtype: x.dtype, shape: x.shape }])[0] as Tensor;
  x.graph.stopGradients.add(y);
  return y;
}

/** x / max(‖x‖₂, eps) along an axis (PyTorch `F.normalize`), e.g. before a cosine loss. */
export function l2Normalize(x: Tensor, axis = -1, eps = 1e-12): Tensor {
  const norm = sqrt(reduceSum(mul(x, x), [axis], true));
  return div(x, maximum(norm, eps));
}
