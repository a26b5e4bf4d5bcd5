import { withCustomGradient } from "../autodiff/custom-grad.js";
import type { Tensor } from "../graph/graph.js";
import { Parameter } from "../graph/parameter.js";
import { add, mul } from "../ops/elementwise.js";
import { gemm } from "../ops/linalg.js";
import { stochasticDepth } from "../ops/regularize.js";
import { concat, reshape, slice, transpose } from "../ops/shape-ops.js";
import { fillTruncNormal } from "../rng.js";
import { Conv2d } from "./conv.js";
import { depthwiseConvSwapped, depthwiseForm } from "./depthwise-conv.js";
import { depthwiseConvRows } from "./depthwise-conv-rows.js";
import { defaultRng, type InitOptions } from "./init.js";
import { GELU, Layer, Sequential } from "./layer.js";
import { Linear } from "./linear.js";
import { LayerNorm } from "./norm.js";

/** Re-orders axes (torchvision `Permute`); no parameters, keeps `block.N` numbering. */
export class Permute extends Layer {
  constructor(readonly perm: readonly number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return transpose(x, this.perm);
  }
}

/**
 * Rows from which {@link linearBiasColumn} is used. [M, d]·[d, 4d] + b (ConvNeXt-Tiny's first Linear, LayerNorm before
 * it, 2 threads): 50176×96 (stage 1 at 16 tiles of 224 px) 24–27 ms with the Gemm's bias vs 12–17 ms as a bias column,
 * 12544×192 16–17 vs 14.5; at 3136×384 12.2–12.6 vs 12.1–12.3 ms including the weight-sized Concat (no gain).
 */
const BIAS_COLUMN_MIN_ROWS = 8192;

/**
 * x·Wᵀ + b for x [M, K] with the bias as an extra input column of ones: [x, 1]·[W, b]ᵀ → [M, N]. onnxruntime's Gemm
 * adds a bias by first broadcasting it into the whole output (on one thread) and then accumulating onto it, which
 * costs more than copying the K-wide input once when N ≫ K. The gradient is hand-written so that the input gradient
 * skips the ones column: dx = gy·W, [dW, db] = gyᵀ·[x, 1] (the bias gradient comes with the weight gradient's GEMM).
 */
function linearBiasColumn(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const g = x.graph;
  const [m, k] = x.shape as number[] as [number, number];
  const n = w.shape[0] as number;
  const ones = g.cachedConstant(`ones:[${m},1]`, () => g.constant(new Float32Array(m).fill(1), [m, 1], "float32", "ones"));
  const xa = concat([x, ones], 1); // [M, K + 1]
  const y = gemm(xa, concat([w, reshape(b, [n, 1])], 1), null, { transB: true }); // [M, K + 1]·[N, K + 1]ᵀ
  return withCustomGradient(y, [x, w, b], (gy, needs) => {
    const gx = needs[0] ? gemm(gy, w) : null; // [M, N]·[N, K]
    const gwb = needs[1] || needs[2] ? gemm(gy, xa, null, { transA: true }) : null; // [N, K + 1]
    return [gx, gwb && needs[1] ? slice(gwb, [0], [k], [1]) : null, gwb && needs[2] ? reshape(slice(gwb, [k], [k + 1], [1]), [n]) : null];
  });
}

/** Options of {@link ConvNeXtBlock}. */
export interface ConvNeXtBlockOptions extends InitOptions {
  /** Initial layer-scale value. @default 1e-6 */
  layerScale?: number;
  /** Stochastic-depth drop probability of this block (training graphs only). @default 0 */
  stochasticDepthProb?: number;
}

/**
 * torchvision `CNBlock`: `block.0` depthwise 7×7 conv, `block.2` LayerNorm (eps 1e-6, channels last),
 * `block.3` Linear d→4d, GELU, `block.5` Linear 4d→d, `layer_scale` [d, 1, 1], stochastic depth, residual.
 * Weights initialised as torchvision does (trunc-normal std 0.02, zero biases).
 */
export class ConvNeXtBlock extends Layer {
  readonly block: Sequential;
  readonly layer_scale: Parameter;
  readonly stochasticDepthProb: number;
  constructor(
    readonly dim: number,
    options: ConvNeXtBlockOptions = {},
  ) {
    super();
    const { layerScale = 1e-6, stochasticDepthProb = 0, rng = defaultRng() } = options;
    this.stochasticDepthProb = stochasticDepthProb;
    const dw = new Conv2d(dim, dim, 7, { padding: 3, groups: dim, rng });
    const fc1 = new Linear(dim, 4 * dim, { rng });
    const fc2 = new Linear(4 * dim, dim, { rng });
    for (const m of [dw, fc1, fc2]) {
      fillTruncNormal(m.weight.data, rng, 0.02);
      m.bias?.data.fill(0);
    }
    this.block = this.registerModule(
      "block",
      new Sequential(dw, new Permute([0, 2, 3, 1]), new LayerNorm(dim, { eps: 1e-6 }), fc1, new GELU(), fc2, new Permute([0, 3, 1, 2])),
    );
    this.layer_scale = this.registerParameter("layer_scale", new Parameter([dim, 1, 1], new Float32Array(dim).fill(layerScale)));
  }

  /**
   * x: [N, dim, H, W] → same shape; torchvision's computation with the layer scale folded into the second
   * Linear: (s⊙W₂)·h + s⊙b₂ with weight-sized Muls instead of an activation-sized Mul (and its two
   * backward passes), and both Linears as 2-D Gemms over the N·H·W rows. Same step time; the training
   * graph holds one activation-sized tensor less per block (≈ −0.3 GB at 16 tiles of 224 px). With fed
   * weights the depthwise conv runs as GEMMs ({@link depthwiseForm}: rows as channels, on 7×7 planes image and
   * kernel swapped); constant weights keep the Conv (onnxruntime's NCHWc kernel). From 8,192 rows the first Linear
   * takes its bias as an extra input column ({@link linearBiasColumn}).
   */
  forward(x: Tensor): Tensor {
    const [h, w] = [x.shape[2], x.shape[3]];
    if (typeof h !== "number" || typeof w !== "number") return this.forwardAsTorchvision(x);
    const g = x.graph;
    const [dw, , norm, fc1, gelu, fc2] = this.block.layers as [Conv2d, Permute, LayerNorm, Linear, GELU, Linear, Permute];
    const d = this.dim;
    const [weight, bias, pads] = [g.param(dw.weight), dw.bias ? g.param(dw.bias) : null, [dw.padding, dw.padding] as const];
    const form = depthwiseForm(x, weight, pads);
    const channelsLast =
      form === "swapped"
        ? transpose(depthwiseConvSwapped(x, weight, bias, pads), [1, 2, 3, 0]) // [C, N, H, W] → [N, H, W, C]
        : transpose(form === "rows" ? depthwiseConvRows(x, weight, bias, pads) : dw.forward(x), [0, 2, 3, 1]);
    const rows = reshape(channelsLast, [-1, d]); // [N·H·W, d]
    const normed = norm.forward(rows);
    const [w1, b1] = [g.param(fc1.weight), fc1.bias ? g.param(fc1.bias) : null];
    const wide = typeof normed.shape[0] === "number" && normed.shape[0] >= BIAS_COLUMN_MIN_ROWS;
    const hidden = gelu.forward(b1 && wide ? linearBiasColumn(normed, w1, b1) : gemm(normed, w1, b1, { transB: true }));
    const scale = g.param(this.layer_scale);
    const scaledWeight = mul(g.param(fc2.weight), reshape(scale, [d, 1]));
    const scaledBias = fc2.bias ? mul(g.param(fc2.bias), reshape(scale, [d])) : null;
    const out = gemm(hidden, scaledWeight, scaledBias, { transB: true }); // [N·H·W, d]
    const r = transpose(reshape(out, [-1, h, w, d]), [0, 3, 1, 2]);
    return add(stochasticDepth(r, this.stochasticDepthProb), x);
  }

  /** torchvision's formulation step by step (used for symbolic spatial sizes). */
  private forwardAsTorchvision(x: Tensor): Tensor {
    const r = mul(x.graph.param(this.layer_scale), this.block.forward(x));
    return add(stochasticDepth(r, this.stochasticDepthProb), x);
  }
}
