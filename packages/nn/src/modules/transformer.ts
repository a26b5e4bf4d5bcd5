import type { Tensor } from "../graph/graph.js";
import { add } from "../ops/elementwise.js";
import { dropout } from "../ops/nn-ops.js";
import { MultiheadAttention } from "./attention.js";
import { defaultRng, type InitOptions } from "./init.js";
import { GELU, type Layer, ModuleList, ReLU } from "./layer.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { LayerNorm } from "./norm.js";

/** Options of {@link TransformerEncoderLayer} (PyTorch defaults). */
export interface TransformerEncoderLayerOptions extends InitOptions {
  /** @default 2048 */
  dimFeedforward?: number;
  /** @default 0.1 */
  dropout?: number;
  /** @default "relu" */
  activation?: "relu" | "gelu";
  /** Pre-norm (`norm_first=True`). @default false */
  normFirst?: boolean;
  /** @default 1e-5 */
  layerNormEps?: number;
  /** Heads per group of the self-attention's weights (see `MultiheadAttentionOptions.headsPerGroup`). @default 2 */
  headsPerGroup?: number;
}

/**
 * PyTorch `nn.TransformerEncoderLayer(batch_first=True)` with its names: `self_attn`, `linear1`,
 * `linear2`, `norm1`, `norm2`. Post-norm by default, pre-norm with `normFirst`.
 */
export class TransformerEncoderLayer extends Module {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly normFirst: boolean;
  readonly p: number;
  private readonly act: Layer;
  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout: p = 0.1, activation = "relu", normFirst = false, layerNormEps = 1e-5, headsPerGroup, rng = defaultRng() } = options;
    this.normFirst = normFirst;
    this.p = p;
    this.self_attn = this.registerModule("self_attn", new MultiheadAttention(dModel, nhead, { dropout: p, rng, ...(headsPerGroup === undefined ? {} : { headsPerGroup }) }));
    this.linear1 = this.registerModule("linear1", new Linear(dModel, dimFeedforward, { rng }));
    this.linear2 = this.registerModule("linear2", new Linear(dimFeedforward, dModel, { rng }));
    this.norm1 = this.registerModule("norm1", new LayerNorm(dModel, { eps: layerNormEps }));
    this.norm2 = this.registerModule("norm2", new LayerNorm(dModel, { eps: layerNormEps }));
    this.act = activation === "relu" ? new ReLU() : new GELU();
  }

  private sa(x: Tensor, mask: Tensor | undefined): Tensor {
    const opts = mask ? { keyPaddingMask: mask } : {};
    return dropout(this.self_attn.forward(x, x, x, opts), this.p);
  }

  private ff(x: Tensor): Tensor {
    return dropout(this.linear2.forward(dropout(this.act.forward(this.linear1.forward(x)), this.p)), this.p);
  }

  /** x: [batch, tokens, d]; keyPaddingMask: bool [batch, tokens], true = padding. */
  forward(x: Tensor, keyPaddingMask?: Tensor): Tensor {
    if (this.normFirst) {
      const h = add(x, this.sa(this.norm1.forward(x), keyPaddingMask));
      return add(h, this.ff(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(add(x, this.sa(x, keyPaddingMask)));
    return this.norm2.forward(add(h, this.ff(h)));
  }
}

/** PyTorch `nn.TransformerEncoder`: `layers.0 … layers.{n-1}` and an optional final `norm`. */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | undefined;
  constructor(makeLayer: (index: number) => TransformerEncoderLayer, numLayers: number, norm?: LayerNorm) {
    super();
    this.layers = this.registerModule("layers", new ModuleList(Array.from({ length: numLayers }, (_, i) => makeLayer(i))));
    if (norm) this.norm = this.registerModule("norm", norm);
  }
  /** x: [batch, tokens, d]; keyPaddingMask: bool [batch, tokens], true = padding. */
  forward(x: Tensor, keyPaddingMask?: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers.items) h = layer.forward(h, keyPaddingMask);
    return this.norm ? this.norm.forward(h) : h;
  }
}
