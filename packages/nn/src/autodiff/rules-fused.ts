import type { MaskInput, Node, Tensor } from "../graph/graph.js";
import { cast, greater, mul, sub } from "../ops/elementwise.js";
import { reduceSum } from "../ops/reduce.js";
import { attrInt, attrInts, out } from "./helpers.js";
import { dropoutScale } from "./rules-nn.js";

/**
 * A gradient rule for a chain of two nodes, `first` → `second`, where `second` is the only consumer
 * of `first`'s output: given the gradient of `second`'s output, returns the gradient of `first`'s
 * input 0. Chains are cheaper than the two rules applied in turn (fewer passes, no saved mask).
 */
export type ChainRule = (first: Node, second: Node, gy: Tensor) => Tensor;

/**
 * Σ_j G_ij·A_ij over the last axis computed as Σ_k dO_ik·O_ik, when the only gradient G reaching A
 * is dO·Vᵀ from A's product O = A·V (attention weights times values): a pass over the [.., T, head]
 * values instead of the [.., T, S] weights (the FlashAttention backward's `D = rowsum(dO ∘ O)`).
 * Undefined when `gy` is not such a product.
 */
function rowDotThroughProduct(a: Tensor, gy: Tensor): Tensor | undefined {
  const back = gy.producer;
  const [gO, vt] = back?.op === "MatMul" ? back.inputs : [];
  const swap = vt?.producer;
  if (!gO || !swap || swap.op !== "Transpose") return undefined;
  const perm = attrInts(swap, "perm", []);
  const r = perm.length;
  if (r < 2 || perm.some((p, i) => p !== (i === r - 1 ? r - 2 : i === r - 2 ? r - 1 : i))) return undefined;
  const v = swap.inputs[0];
  const product = a.graph.nodes.find((n) => n.op === "MatMul" && n.inputs[0] === a && n.inputs[1] === v);
  const o = product?.outputs[0];
  if (!o || o.rank !== gO.rank || o.shape.some((d, i) => d !== gO.shape[i])) return undefined;
  return reduceSum(mul(gO, o), [o.rank - 1], true);
}

/**
 * Dropout of a softmax (attention weights), A = P·m·s with P = softmax(x): with G = dL/dA,
 * dL/dP = G·m·s, so dL/dx = P·(G·m·s − Σ P·G·m·s) = G·A − P·Σ(G·A): the mask is not needed.
 * The same holds for a fed-mask dropout A = P·dequantize(m, s) or A = P·cast(m) (0/1, the scale applied
 * after the product). Over the last axis, when A only
 * feeds O = A·V, Σ(G·A) comes from dO and O (see {@link rowDotThroughProduct}).
 */
const softmaxDropout: ChainRule = (first, second, gy) => {
  const a = out(second);
  const axis = attrInt(first, "axis", -1);
  const t = mul(gy, a);
  const lastAxis = axis === -1 || axis === a.rank - 1;
  const rowDot = (lastAxis ? rowDotThroughProduct(a, gy) : undefined) ?? reduceSum(t, [axis], true);
  return sub(t, mul(out(first), rowDot));
};

/**
 * Dropout of a ReLU, D = relu(x)·m·s: dD/dx = s exactly where D > 0 (x > 0 and kept), else 0
 * (as a Mul by a 0/1 Cast: onnxruntime's Where is several times slower, and its Sign twice as slow
 * as Greater + Cast).
 */
const reluDropout: ChainRule = (_first, second, gy) => mul(mul(gy, dropoutScale(second)), positive(out(second)));

/** 1 where x > 0, else 0, in x's dtype. */
const positive = (x: Tensor): Tensor => cast(greater(x, 0), x.dtype);

/**
 * The fed mask of a dropout, if `n` is one, with the factor it applies: x·dequantize(mask, s) (scale
 * s = 1/(1 − p)), or x·cast(mask) of `dropoutUnscaled` (0/1, scale 1).
 */
function fedMask(n: Node): { mask: MaskInput; scale: number } | undefined {
  const keep = n.op === "Mul" ? n.inputs[1] : undefined;
  const op = keep?.producer?.op;
  const src = op === "DequantizeLinear" || op === "Cast" ? keep?.producer?.inputs[0] : undefined;
  const mask = src ? src.graph.maskInputs.get(src) : undefined;
  return mask ? { mask, scale: op === "Cast" ? 1 : 1 / (1 - mask.p) } : undefined;
}

/** Fed-mask dropout z = relu(x)·m·s: dz/dx = s exactly where z > 0. */
const reluMasked: ChainRule = (_first, second, gy) => mul(mul(gy, fedMask(second)?.scale ?? 1), positive(out(second)));

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
