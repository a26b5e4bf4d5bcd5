import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { gather } from "../ops/shape-ops.js";
import { fillNormal, fillTruncNormal } from "../rng.js";
import { defaultRng, type InitOptions } from "./init.js";
import { Module } from "./module.js";

/** A lookup table (PyTorch `nn.Embedding`): `weight` [num, dim] initialised N(0, 1). */
export class Embedding extends Module {
  readonly weight: Parameter;
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: InitOptions = {},
  ) {
    super();
    const { rng = defaultRng() } = options;
    this.weight = this.registerParameter("weight", new Parameter([numEmbeddings, embeddingDim]));
    fillNormal(this.weight.data, rng);
  }
  /** indices: int64 [...] → [..., dim]. */
  forward(indices: Tensor): Tensor {
    return gather(indices.graph.param(this.weight), indices, 0);
  }
}

/** Options of {@link learnedToken}. */
export interface LearnedTokenOptions extends InitOptions {
  /** "zeros", or trunc-normal with std (absolute bounds ±2, as `nn.init.trunc_normal_`). @default { std: 0.02 } */
  init?: "zeros" | { std: number };
}

/**
 * A free learned tensor such as a mask token or CLS token (e.g. `mask_token` [1, 1, 384]);
 * register it with `this.registerParameter("mask_token", learnedToken([1, 1, 384]))`.
 */
export function learnedToken(shape: readonly number[], options: LearnedTokenOptions = {}): Parameter {
  const { init = { std: 0.02 }, rng = defaultRng() } = options;
  const p = new Parameter(shape);
  if (init !== "zeros") fillTruncNormal(p.data, rng, init.std);
  return p;
}
