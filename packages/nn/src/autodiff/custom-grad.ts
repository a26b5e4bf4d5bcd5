import type { Tensor } from "../graph/graph.js";

/**
 * A vector-Jacobian product given by hand for a tensor computed by a subgraph: from the gradient of the
 * output, the gradients of `inputs` (null where not needed). `needs[i]` says whether input i needs one.
 */
export type CustomVjp = (gy: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

interface CustomGradient {
  readonly inputs: readonly Tensor[];
  readonly vjp: CustomVjp;
}

const customGradients = new WeakMap<Tensor, CustomGradient>();

/**
 * Declares that `output`, computed from `inputs` by any subgraph, is differentiated by `vjp` instead of
 * the rules of the subgraph's nodes, which {@link grad} then skips. For formulations whose own gradient
 * would be slow (e.g. a depthwise Conv computed with the roles of image and kernel swapped), or that can
 * reuse forward intermediates. Returns `output`.
 */
export function withCustomGradient(output: Tensor, inputs: readonly Tensor[], vjp: CustomVjp): Tensor {
  customGradients.set(output, { inputs, vjp });
  return output;
}

/** The custom gradient declared for a tensor, if any. */
export function customGradientOf(t: Tensor): CustomGradient | undefined {
  return customGradients.get(t);
}
