import type { Node, Tensor } from "../graph/graph.js";
import { isFloat } from "../graph/types.js";
import { add } from "../ops/elementwise.js";
import { fullLike } from "../ops/shape-ops.js";
import { customGradientOf } from "./custom-grad.js";
import type { GradRule } from "./helpers.js";
import { elementwiseRules } from "./rules-elementwise.js";
import { chainOf } from "./rules-fused.js";
import { linalgRules } from "./rules-linalg.js";
import { nnRules } from "./rules-nn.js";
import { reduceRules } from "./rules-reduce.js";
import { selectRules } from "./rules-select.js";
import { shapeRules } from "./rules-shape.js";

/** Ops whose outputs never carry gradient (integer/bool results or constants). */
const NON_DIFFERENTIABLE = new Set(["Shape", "Equal", "Less", "Greater", "Not", "ConstantOfShape", "Sign", "Size", "GreaterOrEqual", "LessOrEqual"]);

/** The VJP rules by ONNX op type; {@link registerGradRule} adds or replaces one. */
const rules = new Map<string, GradRule>([...elementwiseRules, ...linalgRules, ...nnRules, ...reduceRules, ...shapeRules, ...selectRules]);

/** Adds (or replaces) the gradient rule of an ONNX op type, e.g. for a custom op. */
export function registerGradRule(op: string, rule: GradRule): void {
  rules.set(op, rule);
}

/** Op types that {@link grad} can differentiate. */
export function differentiableOps(): string[] {
  return [...rules.keys()].sort();
}

/**
 * Reverse-mode differentiation: appends to `loss`'s graph the standard ONNX ops computing
 * d loss / d t for every t in `wrt`, and returns those gradient tensors (same order and shapes).
 * `loss` must have one element; a tensor that does not influence the loss gets zeros.
 */
export function grad(loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  const g = loss.graph;
  if (loss.shape.some((d) => d !== 1)) throw new Error(`grad: loss must have one element, got shape [${loss.shape.join(", ")}]`);
  const nodes = g.nodes.slice();
  // forward: which tensors depend on wrt
  const depends = new Set<Tensor>(wrt);
  const active = new Set<Node>();
  for (const n of nodes) {
    if (NON_DIFFERENTIABLE.has(n.op)) continue;
    if (n.inputs.some((t) => t && depends.has(t) && isFloat(t.dtype))) {
      active.add(n);
      for (const o of n.outputs) if (isFloat(o.dtype) && !g.stopGradients.has(o)) depends.add(o);
    }
  }
  // backward: which of those reach the loss
  const needed = new Set<Tensor>([loss]);
  const useful: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i] as Node;
    if (!active.has(n) || !n.outputs.some((o) => needed.has(o))) continue;
    useful.push(n);
    for (const t of n.inputs) if (t && depends.has(t)) needed.add(t);
  }
  const uses = new Map<Tensor, number>();
  for (const n of nodes) for (const t of n.inputs) if (t) uses.set(t, (uses.get(t) ?? 0) + 1);
  for (const o of g.outputs) uses.set(o.tensor, (uses.get(o.tensor) ?? 0) + 1);
  const grads = new Map<Tensor, Tensor>([[loss, fullLike(loss, 1)]]);
  const accumulate = (t: Tensor, gi: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev ? add(prev, gi) : gi);
  };
  for (const n of useful) {
    const gy = n.outputs.map((o) => grads.get(o) ?? null);
    if (gy.every((x) => x === null)) continue;
    // a tensor with a hand-written VJP (withCustomGradient): straight to its inputs; the nodes between get no gradient
    const custom = n.outputs.length === 1 ? customGradientOf(n.outputs[0] as Tensor) : undefined;
    if (custom && gy[0]) {
      const needs = custom.inputs.map((t) => needed.has(t) && depends.has(t));
      const gx = custom.vjp(gy[0], needs);
      custom.inputs.forEach((t, i) => {
        const gi = gx[i];
        if (gi && needs[i]) accumulate(t, gi);
      });
      continue;
    }
    // a chain first → n whose link only n reads: one rule straight to first's input (first is then skipped)
    const chain = chainOf(n);
    const src = chain?.first.inputs[0];
    if (chain && src && gy[0] && uses.get(chain.link) === 1 && !grads.has(chain.link) && !g.stopGradients.has(chain.link) && needed.has(src) && depends.has(src)) {
      accumulate(src, chain.rule(chain.first, n, gy[0]));
      continue;
    }
    const rule = rules.get(n.op);
    if (!rule) throw new Error(`grad: no gradient rule for ONNX op ${n.op} (node ${n.name}); see registerGradRule`);
    const needs = n.inputs.map((t) => !!t && needed.has(t) && depends.has(t));
    const gx = rule(n, gy, needs);
    n.inputs.forEach((t, i) => {
      const gi = gx[i];
      if (t && gi && needs[i]) accumulate(t, gi);
    });
  }
  return wrt.map((t) => grads.get(t) ?? fullLike(t, 0));
}
