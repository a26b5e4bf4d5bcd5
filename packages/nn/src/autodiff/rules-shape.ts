import type { Tensor } from "../graph/graph.js";
import { attr } from "../graph/shape.js";
import { cast } from "../ops/elementwise.js";
import { concat, fullLike, gather, pad, reshapeTo, shapeOf, transpose, unsqueeze } from "../ops/shape-ops.js";
import { attrInt, attrInts, constValues, type GradRule, inp, sumTo } from "./helpers.js";

const backToShape: GradRule = (n, [gy]) => {
  const x = inp(n, 0);
  return [gy ? reshapeTo(gy, shapeOf(x), x.shape) : null, null];
};

const transposeRule: GradRule = (n, [gy]) => {
  if (!gy) return [null];
  const perm = attrInts(n, "perm", []);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return [transpose(gy, inv)];
};

const concatRule: GradRule = (n, [gy], need) => {
  if (!gy) return n.inputs.map(() => null);
  const axis = attrInt(n, "axis", 0);
  const xs = n.inputs as Tensor[];
  const g = gy.graph;
  const sizes = xs.map((x) => x.shape[axis]);
  const sizeTensor = sizes.every((s) => typeof s === "number")
    ? g.int64s(sizes as number[])
    : concat(xs.map((x) => gather(shapeOf(x), g.int64s([axis]), 0)), 0);
  const parts = g.addNode("Split", [gy, sizeTensor], xs.map((x) => ({ dtype: gy.dtype, shape: x.shape })), { axis: attr.int(axis) });
  return parts.map((p, i) => (need[i] ? p : null));
};

const splitRule: GradRule = (n, gys) => {
  if (gys.every((gy) => !gy)) return [null, null];
  const axis = attrInt(n, "axis", 0);
  const parts = n.outputs.map((o, i) => gys[i] ?? fullLike(o, 0));
  return [concat(parts, axis), null];
};

const sliceRule: GradRule = (n, [gy]) => {
  if (!gy) return [null];
  const x = inp(n, 0);
  const starts = constValues(n.inputs[1], "Slice");
  const ends = constValues(n.inputs[2], "Slice");
  const axes = n.inputs[3] ? constValues(n.inputs[3], "Slice") : starts.map((_, i) => i);
  const pads = new Array<number>(2 * x.rank).fill(0);
  axes.forEach((a0, j) => {
    const a = a0 < 0 ? a0 + x.rank : a0;
    const d = x.shape[a] as number;
    const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    pads[a] = clamp(starts[j] as number);
    pads[a + x.rank] = d - clamp(ends[j] as number);
  });
  return [pad(gy, pads), null, null, null, null];
};

/** Gather: scatter-add the gradient rows back into zeros shaped like the data (ScatterND, reduction add). */
const gatherRule: GradRule = (n, [gy]) => {
  if (!gy) return [null, null];
  const [data, indices] = [inp(n, 0), inp(n, 1)];
  const axis = attrInt(n, "axis", 0);
  const r = indices.rank;
  const g = data.graph;
  const toFront = [axis, ...data.shape.map((_, i) => i).filter((i) => i !== axis)];
  const dataT = axis === 0 ? data : transpose(data, toFront);
  const gyPerm = [...Array.from({ length: r }, (_, i) => axis + i), ...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: gy.rank - axis - r }, (_, i) => axis + r + i)];
  const upd = axis === 0 ? gy : transpose(gy, gyPerm);
  const idx = unsqueeze(cast(indices, "int64"), [r]);
  const zeros = fullLike(dataT, 0);
  const scattered = g.addNode("ScatterND", [zeros, idx, upd], [{ dtype: data.dtype, shape: dataT.shape }], { reduction: attr.string("add") })[0] as Tensor;
  if (axis === 0) return [scattered, null];
  const inv = new Array<number>(toFront.length);
  toFront.forEach((p, i) => {
    inv[p] = i;
  });
  return [transpose(scattered, inv), null];
};

const expandRule: GradRule = (n, [gy]) => [gy ? sumTo(gy, inp(n, 0)) : null, null];

/** Gradient rules of shape ops: Reshape, Transpose, Concat, Split, Slice, Gather, (Un)Squeeze, Expand. */
export const shapeRules: [string, GradRule][] = [
  ["Reshape", backToShape],
  ["Unsqueeze", backToShape],
  ["Squeeze", backToShape],
  ["Flatten", backToShape],
  ["Transpose", transposeRule],
  ["Concat", concatRule],
  ["Split", splitRule],
  ["Slice", sliceRule],
  ["Gather", gatherRule],
  ["Expand", expandRule],
];
