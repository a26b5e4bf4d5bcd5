import type { MaskInput, Node, Tensor } from "../graph/graph.js";
import { cast, greater, mul, sub } from "../ops/elementwise.js";
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
 * The same holds for a fed-mask dropout A = P·dequantize(m, s).
 */
const softmaxDropout: ChainRule = (first, second, gy) => {
  const t = mul(gy, out(second));
  return sub(t, mul(out(first), reduceSum(t, [attrInt(first, "axis", -1)], true)));
};

/**
 * Dropout of a ReLU, D = relu(x)·m·s: dD/dx = s exactly where D > 0 (x > 0 and kept), else 0
 * (as a Mul by a 0/1 Cast: onnxruntime's Where is several times slower).
 */
const reluDropout: ChainRule = (_first, second, gy) => mul(mul(gy, dropoutScale(second)), cast(greater(out(second), 0), gy.dtype));

/** The fed mask of a dropout x·dequantize(mask, s), if `n` is one. */
function fedMask(n: Node): MaskInput | undefined {
  const keep = n.op === "Mul" ? n.inputs[1] : undefined;
  const mask = keep?.producer?.op === "DequantizeLinear" ? keep.producer.inputs[0] : undefined;
  return mask ? mask.graph.maskInputs.get(mask) : undefined;
}

/** Fed-mask dropout z = relu(x)·m·s: dz/dx = s exactly where z > 0. */
const reluMasked: ChainRule = (_first, second, gy) => {
  const s = 1 / (1 - (fedMask(second)?.p ?? 0));
  return mul(mul(gy, s), cast(greater(out(second), 0), gy.dtype));
};

/** The input of `second` that links it to `first`: Dropout's data input, or x of a fed-mask dropout. */
function linkOf(second: Node): Tensor | undefined {
  if (second.op === "Dropout") return second.inputs[0] ?? undefined;
  return fedMask(second) ? (second.inputs[0] ?? undefined) : undefined;
}

/** Chain rules by `"FirstOp>SecondOp"`. */
const chainRules = new Map<string, ChainRule>([
  ["Softmax>Dropout", softmaxDropout],
  ["Relu>Dropout", reluDropout],
  ["Softmax>Mul", softmaxDropout],
  ["Relu>Mul", reluMasked],
]);

/** The chain rule that applies to `second` (with the link tensor and `first`), if any. */
export function chainOf(second: Node): { link: Tensor; first: Node; rule: ChainRule } | undefined {
  const link = linkOf(second);
  const first = link?.producer;
  const rule = first && chainRules.get(`${first.op}>${second.op}`);
  return link && first && rule ? { link, first, rule } : undefined;
}
