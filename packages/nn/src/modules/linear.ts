import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { add } from "../ops/elementwise.js";
import { gemm, matmul } from "../ops/linalg.js";
import { transpose } from "../ops/shape-ops.js";
import { ShapeError } from "../errors.js";
import { fillUniform } from "../rng.js";
import { defaultRng, type InitOptions } from "./init.js";
import { Layer } from "./layer.js";

/** Options of {@link Linear}. */
export interface LinearOptions extends InitOptions {
  /** @default true */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b over the last axis (PyTorch `nn.Linear`): `weight` [out, in], `bias` [out];
 * both initialised U(−1/√in, 1/√in) as PyTorch does (kaiming_uniform with a = √5).
 */
export class Linear extends Layer {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const { bias = true, rng = defaultRng() } = options;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter("weight", new Parameter([outFeatures, inFeatures]));
    fillUniform(this.weight.data, rng, -bound, bound);
    if (bias) {
      this.bias = this.registerParameter("bias", new Parameter([outFeatures]));
      fillUniform(this.bias.data, rng, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    const g = x.graph;
    const d = x.shape[x.rank - 1];
    if (typeof d === "number" && d !== this.inFeatures) {
      throw new ShapeError("Linear", [x.shape, this.weight.shape], `input has ${d} features, weight expects ${this.inFeatures}`);
    }
    const w = g.param(this.weight);
    const b = this.bias ? g.param(this.bias) : null;
    if (x.rank === 2) return gemm(x, w, b, { transB: true });
    const y = matmul(x, transpose(w));
    return b ? add(y, b) : y;
  }
}
