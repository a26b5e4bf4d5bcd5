import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { conv2d } from "../ops/nn-ops.js";
import { fillUniform } from "../rng.js";
import { defaultRng, type InitOptions } from "./init.js";
import { Layer } from "./layer.js";

/** Options of {@link Conv2d} (PyTorch defaults). */
export interface Conv2dModuleOptions extends InitOptions {
  /** @default 1 */
  stride?: number;
  /** Symmetric zero padding. @default 0 */
  padding?: number;
  /** @default 1 */
  dilation?: number;
  /** Channel groups; `groups = in = out` is depthwise. @default 1 */
  groups?: number;
  /** @default true */
  bias?: boolean;
}

/**
 * PyTorch `nn.Conv2d` on NCHW input: `weight` [out, in/groups, k, k], `bias` [out], initialised
 * U(−1/√fanIn, 1/√fanIn) with fanIn = in/groups·k² (kaiming_uniform, a = √5).
 */
export class Conv2d extends Layer {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv2dModuleOptions = {},
  ) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, rng = defaultRng() } = options;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new RangeError(`Conv2d: channels ${inChannels}→${outChannels} not divisible by groups ${groups}`);
    const fanIn = (inChannels / groups) * kernelSize * kernelSize;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter("weight", new Parameter([outChannels, inChannels / groups, kernelSize, kernelSize]));
    fillUniform(this.weight.data, rng, -bound, bound);
    if (bias) {
      this.bias = this.registerParameter("bias", new Parameter([outChannels]));
      fillUniform(this.bias.data, rng, -bound, bound);
    }
  }

  /** x: [N, in, H, W] → [N, out, H', W']. */
  forward(x: Tensor): Tensor {
    const g = x.graph;
    return conv2d(x, g.param(this.weight), this.bias ? g.param(this.bias) : null, {
      strides: [this.stride, this.stride],
      padding: [this.padding, this.padding],
      dilations: [this.dilation, this.dilation],
      groups: this.groups,
    });
  }
}
