import type { Tensor } from "../graph/graph.js";
import { broadcastShapes } from "../graph/shape.js";

/** a >= b as bool (ONNX GreaterOrEqual), used by gradient rules. */
export function greaterOrEqual(a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes("GreaterOrEqual", [a.shape, b.shape]);
  return a.graph.addNode("GreaterOrEqual", [a, b], [{ dtype: "bool", shape }])[0] as Tensor;
}
