import { ShapeError } from "../errors.js";
import type { Tensor } from "../graph/graph.js";
import { attr, dimsCompatible, normAxis } from "../graph/shape.js";
import type { Dim, DType, Shape } from "../graph/types.js";

/**
 * ONNX Reshape with a constant target: `0` copies the input dim, `-1` is inferred.
 * Symbolic dims survive when copied with `0`.
 */
export function reshape(x: Tensor, target: readonly number[]): Tensor {
  const shapes = [x.shape, target];
  const out: Dim[] = target.map((d, i) => {
    if (d === 0) {
      const src = x.shape[i];
      if (src === undefined) throw new ShapeError("Reshape", shapes, `0 at axis ${i} has no input dim to copy`);
      return src;
    }
    return d;
  });
  const inferAt = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1) throw new ShapeError("Reshape", shapes, "more than one -1");
  const staticIn = x.shape.every((d) => typeof d === "number");
  const known = out.filter((d, i) => i !== inferAt);
  if (staticIn && known.every((d) => typeof d === "number")) {
    const total = (x.shape as number[]).reduce((a, b) => a * b, 1);
    const part = (known as number[]).reduce((a, b) => a * b, 1);
    if (inferAt >= 0) {
      if (part === 0 || total % part !== 0) throw new ShapeError("Reshape", shapes, `cannot infer -1 (${total} elements)`);
      out[inferAt] = total / part;
    } else if (part !== total) throw new ShapeError("Reshape", shapes, `${total} elements cannot take ${part}`);
  } else if (inferAt >= 0) {
    out[inferAt] = x.graph.uniqueName("dim");
  }
  return x.graph.addNode("Reshape", [x, x.graph.int64s(target)], [{ dtype: x.dtype, shape: out }])[0] as Tensor;
}

/** Reshape to a runtime shape tensor (int64), declaring the resulting static shape. */
export function reshapeTo(x: Tensor, shapeTensor: Tensor, declared: Shape): Tensor {
  return x.graph.addNode("Reshape", [x, shapeTensor], [{ dtype: x.dtype, shape: declared }])[0] as Tensor;
}

/** Permutes axes (ONNX Transpose); default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new ShapeError("Transpose", [x.shape], `perm [${p.join(", ")}] is not a permutation of ${x.rank} axes`);
  }
  const inner = x.producer?.op === "Transpose" ? x.producer : undefined;
  const src = inner?.inputs[0];
  if (inner && src) {
    // a transpose that undoes a transpose is its source (other compositions are left to
    // onnxruntime, which folds a last-two-axes swap into a MatMul: one composed perm it could not)
    const a = inner.attrs.perm;
    const q = a?.kind === "ints" ? a.value : src.shape.map((_, i) => src.rank - 1 - i);
    if (p.every((i, k) => q[i] === k)) return src;
  }
  const shape = p.map((i) => x.shape[i] as Dim);
  return x.graph.addNode("Transpose", [x], [{ dtype: x.dtype, shape }], { perm: attr.ints(p) })[0] as Tensor;
}

/** Joins tensors along an axis; every other dim must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  if (!first) throw new TypeError("Concat: no inputs");
  const shapes = xs.map((x) => x.shape);
  const a = normAxis("Concat", axis, first.rank, shapes);
  let along: Dim = 0;
  for (const x of xs) {
    if (x.rank !== first.rank) throw new ShapeError("Concat", shapes, "ranks differ");
    if (x.dtype !== first.dtype) throw new ShapeError("Concat", shapes, `dtype ${first.dtype} vs ${x.dtype}`);
    x.shape.forEach((d, i) => {
      if (i !== a && !dimsCompatible(d, first.shape[i] as Dim)) throw new ShapeError("Concat", shapes, `dim ${i} differs (${first.shape[i]} vs ${d})`);
    });
    const d = x.shape[a] as Dim;
    along = typeof along === "number" && typeof d === "number" ? along + d : `${along}+${d}`;
  }
  const shape = first.shape.map((d, i) => (i === a ? along : d));
  return first.graph.addNode("Concat", xs, [{ dtype: first.dtype, shape }], { axis: attr.int(a) })[0] as Tensor;
}

/** Splits along an axis into pieces of the given static sizes. */
export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  const a = normAxis("Split", axis, x.rank, [x.shape]);
  const d = x.shape[a] as Dim;
  const total = sizes.reduce((s, v) => s + v, 0);
  if (typeof d === "number" && d !== total) throw new ShapeError("Split", [x.shape, sizes], `sizes sum to ${total}, axis ${a} has ${d}`);
  const outs = sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((v, i) => (i === a ? s : v)) }));
  return x.graph.addNode("Split", [x, x.graph.int64s(sizes)], outs, { axis: attr.int(a) });
}

/** Static slice along axes with step 1 (ONNX Slice); `ends` may exceed the dim (clamped). */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  const shape = [...x.shape];
  axes.forEach((ax, j) => {
    const a = normAxis("Slice", ax, x.rank, [x.shape]);
    const d = x.shape[a];
    if (typeof d !== "number") throw new ShapeError("Slice", [x.shape], `axis ${a} must be static to slice`);
    const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    const len = clamp(ends[j] as number) - clamp(starts[j] as number);
    if (len <= 0) throw new ShapeError("Slice", [x.shape], `empty slice ${starts[j]}:${ends[j]} on axis ${a}`);
    shape[a] = len;
  });
  const g = x.graph;
  return g.addNode("Slice", [x, g.int64s(starts), g.int64s(ends), g.int64s(axes)], [{ dtype: x.dtype, shape }])[0] as Tensor;
}

/** Picks entries along an axis by int64 indices (ONNX Gather): out shape = x[:axis] + idx + x[axis+1:]. */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  if (indices.dtype !== "int64" && indices.dtype !== "int32") throw new ShapeError("Gather", [x.shape, indices.shape], `indices must be int64, got ${indices.dtype}`);
  const a = normAxis("Gather", axis, x.rank, [x.shape, indices.shape]);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return x.graph.addNode("Gather", [x, indices], [{ dtype: x.dtype, shape }], { axis: attr.int(a) })[0] as Tensor;
}

/** Inserts size-1 axes (positions in the output). */
export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.rank + axes.length;
  const norm = axes.map((a) => normAxis("Unsqueeze", a, rank, [x.shape])).sort((p, q) => p - q);
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(norm.includes(i) ? 1 : (x.shape[k++] as Dim));
  return x.graph.addNode("Unsqueeze", [x, x.graph.int64s(norm)], [{ dtype: x.dtype, shape }])[0] as Tensor;
}

/** Removes size-1 axes. */
export function squeeze(x: Tensor, axes: readonly number[]): Tensor {
  const norm = axes.map((a) => normAxis("Squeeze", a, x.rank, [x.shape]));
  for (const a of norm) if (x.shape[a] !== 1) throw new ShapeError("Squeeze", [x.shape], `axis ${a} has size ${x.shape[a]}, not 1`);
  const shape = x.shape.filter((_, i) => !norm.includes(i));
  return x.graph.addNode("Squeeze", [x, x.graph.int64s(norm)], [{ dtype: x.dtype, shape }])[0] as Tensor;
}

/** The runtime shape of x as an int64 vector. */
export function shapeOf(x: Tensor): Tensor {
  return x.graph.addNode("Shape", [x], [{ dtype: "int64", shape: [x.rank] }])[0] as Tensor;
}

/** Broadcasts x to the runtime shape of `like` (ONNX Expand). */
export function expandAs(x: Tensor, like: Tensor): Tensor {
  return x.graph.addNode("Expand", [x, shapeOf(like)], [{ dtype: x.dtype, shape: like.shape }])[0] as Tensor;
}

/** A tensor filled with `value`, shaped like `like` at run time. */
export function fullLike(like: Tensor, value: number, dtype: DType = like.dtype): Tensor {
  return expandAs(like.graph.scalar(value, dtype), like);
}

/** Zero padding (ONNX Pad, constant mode): `pads` = [begin_0 … begin_n, end_0 … end_n]. */
export function pad(x: Tensor, pads: readonly number[]): Tensor {
  if (pads.length !== 2 * x.rank) throw new ShapeError("Pad", [x.shape], `needs ${2 * x.rank} pad values, got ${pads.length}`);
  const shape = x.shape.map((d, i) => (typeof d === "number" ? d + (pads[i] as number) + (pads[i + x.rank] as number) : d));
  return x.graph.addNode("Pad", [x, x.graph.int64s(pads)], [{ dtype: x.dtype, shape }])[0] as Tensor;
}
