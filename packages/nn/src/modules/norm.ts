import { makeData } from "../graph/data.js";
import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { layerNorm } from "../ops/nn-ops.js";
import { transpose } from "../ops/shape-ops.js";
import { ShapeError } from "../errors.js";
import { Layer } from "./layer.js";

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** @default 1e-5 (PyTorch's default; torchvision ConvNeXt uses 1e-6) */
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros). @default true */
  elementwiseAffine?: boolean;
}

/** LayerNorm over the last axis (PyTorch `nn.LayerNorm(d)`), emitted as native ONNX LayerNormalization. */
export class LayerNorm extends Layer {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  readonly eps: number;
  constructor(
    readonly dim: number,
    options: LayerNormOptions = {},
  ) {
    super();
    const { eps = 1e-5, elementwiseAffine = true } = options;
    this.eps = eps;
    this.weight = new Parameter([dim], new Float32Array(dim).fill(1), elementwiseAffine);
    if (elementwiseAffine) {
      this.registerParameter("weight", this.weight);
      this.bias = this.registerParameter("bias", new Parameter([dim]));
    }
  }

  forward(x: Tensor): Tensor {
    const g = x.graph;
    const d = x.shape[x.rank - 1];
    if (typeof d === "number" && d !== this.dim) throw new ShapeError("LayerNorm", [x.shape, [this.dim]], `last dim ${d} != ${this.dim}`);
    const scale = this.bias ? g.param(this.weight) : g.constant(makeData(g.paramDtype, Array.from(this.weight.data)), [this.dim], g.paramDtype, "ln_ones");
    return layerNorm(x, scale, this.bias ? g.param(this.bias) : null, this.eps);
  }
}

/**
 * LayerNorm over the channels of NCHW maps (torchvision `LayerNorm2d`, used by ConvNeXt's stem and
 * downsampling layers): permute to NHWC, normalise, permute back. Names `weight`, `bias`.
 */
export class LayerNorm2d extends LayerNorm {
  override forward(x: Tensor): Tensor {
    return transpose(super.forward(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
  }
}
