import type { Node, Tensor } from "../graph/graph.js";
import { greater, mul, sub, where } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { attrInt, out } from "./helpers.js";
import { dropoutScale } from "./rules-nn.js";

/**
 * A gradient rule for a chain of two nodes, `first` → `second`, where `second` is the only consumer
 * of `first`'s output: given the gradient of `second`'s output, returns the gradient of `first`'s
 * input 0. Chains are cheaper than the two rules applied in turn (fewer passes, no saved mask).
 */
export type ChainRule = (first: Node, second: Node, gy: Tensor) => Tensor;

/**
 * Dropout of a softmax (attention weights), A = P·m·s with P = softmax(x): with G = dL/dA,
 * dL/dP = G·m·s, so dL/dx = P·(G·m·s − Σ P·G·m·s) = G·A − P·Σ(G·A): the mask is not needed.
 */
const softmaxDropout: ChainRule = (first, second, gy) => {
  const t = mul(gy, out(second));
  return sub(t, mul(out(first), reduceSum(t, [attrInt(first, "axis", -1)], true)));
};

/**
 * Dropout of a ReLU, D = relu(x)·m·s: dD/dx = s exactly where D > 0 (x > 0 and kept), else 0.
 */
const reluDropout: ChainRule = (_first, second, gy) => {
  const d = out(second);
  return where(greater(d, 0), mul(gy, dropoutScale(second)), gy.graph.scalar(0, gy.dtype));
};

/** Chain rules by `"FirstOp>SecondOp"`. */
export const chainRules = new Map<string, ChainRule>([
  ["Softmax>Dropout", softmaxDropout],
  ["Relu>Dropout", reluDropout],
]);
