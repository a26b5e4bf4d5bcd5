import type { Tensor } from "../graph/graph.js";
import { attr } from "../graph/shape.js";
import { mul } from "./elementwise.js";
import { keepMaskRead } from "./nn-ops.js";
import { concat, shapeOf, slice } from "./shape-ops.js";

/**
 * Stochastic depth in "row" mode (torchvision `StochasticDepth(p, "row")`): each sample's branch is
 * zeroed with probability p and scaled by 1/(1 − p) otherwise. Identity outside training graphs.
 */
export function stochasticDepth(x: Tensor, p: number): Tensor {
  const g = x.graph;
  if (!g.training || p <= 0) return x;
  if (p >= 1) throw new RangeError(`stochasticDepth: p must be < 1, got ${p}`);
  // noise shape [N, 1, …, 1] built at run time from x's batch size
  const rowShape = concat([slice(shapeOf(x), [0], [1], [0]), g.int64s(new Array(x.rank - 1).fill(1))], 0);
  const ones = g.addNode("ConstantOfShape", [rowShape], [{ dtype: x.dtype, shape: [x.shape[0] ?? 1, ...new Array(x.rank - 1).fill(1)] }], {
    value: { kind: "tensor", value: { dtype: x.dtype, shape: [1], data: x.dtype === "float64" ? Float64Array.of(1) : Float32Array.of(1) } },
  })[0] as Tensor;
  const seed = g.seed + g.randomOps++;
  const [noise] = g.addNode("Dropout", [ones, g.scalar(p, x.dtype), g.constant(Uint8Array.of(1), [], "bool", "training_mode")], [
    { dtype: x.dtype, shape: ones.shape },
    { dtype: "bool", shape: ones.shape },
  ], { seed: attr.int(seed) });
  keepMaskRead(noise?.producer?.outputs[1] as Tensor);
  return mul(x, noise as Tensor);
}
