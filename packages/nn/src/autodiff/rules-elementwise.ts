import type { Tensor } from "../graph/graph.js";
import { add, cast, div, erf, exp, greater, log, mul, neg, pow, sub, where } from "../ops/elementwise.js";
import { attr } from "../graph/shape.js";
import { isFloat } from "../graph/types.js";
import { type GradRule, inp, out, sumTo } from "./helpers.js";

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function sign(x: Tensor): Tensor {
  return x.graph.addNode("Sign", [x], [{ dtype: x.dtype, shape: x.shape }])[0] as Tensor;
}

/** max(0, min(1, α·x + β)) in one pass (ONNX HardSigmoid): an affine map when the result stays in [0, 1]. */
function hardSigmoid(x: Tensor, alpha: number, beta: number): Tensor {
  return x.graph.addNode("HardSigmoid", [x], [{ dtype: x.dtype, shape: x.shape }], { alpha: attr.float(alpha), beta: attr.float(beta) })[0] as Tensor;
}

/** Gradient rules of element-wise ops (broadcasting undone with sumTo). */
export const elementwiseRules: [string, GradRule][] = [
  ["Add", (n, [gy], need) => [need[0] && gy ? sumTo(gy, inp(n, 0)) : null, need[1] && gy ? sumTo(gy, inp(n, 1)) : null]],
  ["Sub", (n, [gy], need) => [need[0] && gy ? sumTo(gy, inp(n, 0)) : null, need[1] && gy ? sumTo(neg(gy), inp(n, 1)) : null]],
  ["Mul", (n, [gy], need) => {
    const [a, b] = [inp(n, 0), inp(n, 1)];
    return [need[0] && gy ? sumTo(mul(gy, b), a) : null, need[1] && gy ? sumTo(mul(gy, a), b) : null];
  }],
  ["Div", (n, [gy], need) => {
    const [a, b] = [inp(n, 0), inp(n, 1)];
    if (!gy) return [null, null];
    const ga = need[0] || need[1] ? div(gy, b) : null;
    return [need[0] && ga ? sumTo(ga, a) : null, need[1] && ga ? sumTo(neg(mul(ga, out(n))), b) : null];
  }],
  ["Pow", (n, [gy], need) => {
    const [a, b] = [inp(n, 0), inp(n, 1)];
    if (!gy) return [null, null];
    const ga = need[0] ? sumTo(mul(gy, mul(b, pow(a, sub(b, 1)))), a) : null;
    const gb = need[1] ? sumTo(mul(gy, mul(out(n), log(a))), b) : null;
    return [ga, gb];
  }],
  ["Neg", (_n, [gy]) => [gy ? neg(gy) : null]],
  ["Identity", (_n, [gy]) => [gy ?? null]],
  ["Exp", (n, [gy]) => [gy ? mul(gy, out(n)) : null]],
  ["Log", (n, [gy]) => [gy ? div(gy, inp(n, 0)) : null]],
  ["Sqrt", (n, [gy]) => [gy ? div(mul(gy, 0.5), out(n)) : null]],
  ["Abs", (n, [gy]) => [gy ? mul(gy, sign(inp(n, 0))) : null]],
  ["Erf", (n, [gy]) => {
    const x = inp(n, 0);
    return [gy ? mul(gy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))) : null];
  }],
  ["Tanh", (n, [gy]) => {
    const y = out(n);
    return [gy ? mul(gy, sub(1, mul(y, y))) : null];
  }],
  ["Sigmoid", (n, [gy]) => {
    const y = out(n);
    return [gy ? mul(gy, mul(y, sub(1, y))) : null];
  }],
  ["Relu", (n, [gy]) => [gy ? where(greater(inp(n, 0), 0), gy, 0) : null]],
  ["Gelu", (n, [gy]) => {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x) (exact GELU), with t = x/√2: Φ = ½(1 + erf t) as one HardSigmoid
    // (½·erf t + ½ lies in [0, 1], so it never clamps) and x·φ = (x/√(2π)) / e^{t²} (e^{t²} overflows to
    // ∞ for |x| > 13, where x·φ is 0 anyway). 9 element-wise passes instead of 11.
    const x = inp(n, 0);
    if (!gy) return [null];
    const t = mul(x, SQRT1_2);
    const cdf = hardSigmoid(erf(t), 0.5, 0.5);
    const xpdf = div(mul(x, INV_SQRT_2PI), exp(mul(t, t)));
    return [mul(gy, add(cdf, xpdf))];
  }],
  ["Where", (n, [gy], need) => {
    const [c, a, b] = [inp(n, 0), inp(n, 1), inp(n, 2)];
    if (!gy) return [null, null, null];
    return [null, need[1] ? sumTo(where(c, gy, 0), a) : null, need[2] ? sumTo(where(c, 0, gy), b) : null];
  }],
  ["Cast", (n, [gy]) => {
    const x = inp(n, 0);
    return [gy && isFloat(x.dtype) ? cast(gy, x.dtype) : null];
  }],
];
