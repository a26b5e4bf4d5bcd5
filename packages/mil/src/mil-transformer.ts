import {
  add,
  Graph,
  LayerNorm,
  mlp,
  maskedMaxPool,
  Module,
  Rng,
  type Sequential,
  type Tensor,
  TransformerEncoder,
  TransformerEncoderLayer,
} from "@osfm/nn";
import { DEFAULT_MIL_TRANSFORMER, type MilTransformerConfig } from "./types";

/** Symbolic outputs of one MILTransformer forward pass. */
export interface MilTransformerOutputs {
  /** pooled: [B, dim], max over the real tokens of the normalised token outputs */
  pooled: Tensor;
  /** projected: [B, dim], projector output (the original's slide embedding, BYOL target) */
  projected: Tensor;
  /** predicted: [B, dim], predictor applied to the projector output (BYOL online branch) */
  predicted: Tensor;
  /** tokens: [B, T, dim], normalised token outputs (input of the MFR decoder) */
  tokens: Tensor;
}

/**
 * The OpenSlideFM slide aggregator (SPEC §6.2): a position/scale MLP 3→384→768 added to each tile
 * feature, 6 pre-norm transformer encoder layers (8 heads, FFN 3072, ReLU, dropout 0.1), a final
 * LayerNorm, max-pool over real tokens, and BYOL projector/predictor heads 768→768→768 (GELU).
 * Parameter names equal those of `tooling/reference/mil/modules.py`, so weights move both ways.
 */
export class MilTransformerNet extends Module {
  readonly config: MilTransformerConfig;
  readonly pos: Sequential;
  readonly encoder: TransformerEncoder;
  readonly norm: LayerNorm;
  readonly proj_global: Sequential;
  readonly pred_global: Sequential;

  constructor(config: Partial<MilTransformerConfig> = {}, seed = 0) {
    super();
    const c = { ...DEFAULT_MIL_TRANSFORMER, ...config };
    this.config = c;
    const rng = new Rng(seed);
    this.pos = this.registerModule("pos", mlp([3, c.posHidden, c.dim], { activation: "gelu", rng }));
    const layer = () => new TransformerEncoderLayer(c.dim, c.heads, { dimFeedforward: c.ffnDim, dropout: c.dropout, normFirst: true, activation: "relu", rng });
    this.encoder = this.registerModule("encoder", new TransformerEncoder(layer, c.depth));
    this.norm = this.registerModule("norm", new LayerNorm(c.dim));
    this.proj_global = this.registerModule("proj_global", mlp([c.dim, c.dim, c.dim], { activation: "gelu", rng }));
    this.pred_global = this.registerModule("pred_global", mlp([c.dim, c.dim, c.dim], { activation: "gelu", rng }));
  }

  /** x: [B, T, dim], pos: [B, T, 3], pad: bool [B, T] (true = padding) on a graph this module is bound to. */
  forward(x: Tensor, pos: Tensor, pad: Tensor): MilTransformerOutputs {
    const h = this.encoder.forward(add(x, this.pos.forward(pos)), pad);
    const tokens = this.norm.forward(h);
    const pooled = maskedMaxPool(tokens, pad);
    const projected = this.proj_global.forward(pooled);
    return { pooled, projected, predicted: this.pred_global.forward(projected), tokens };
  }

  /** Declares the standard inputs (`x`, `pos`, `pad`) on a bound graph and runs {@link forward}. */
  forwardInputs(g: Graph): MilTransformerOutputs & { x: Tensor; pos: Tensor; pad: Tensor } {
    const x = g.input("x", ["batch", "tokens", this.config.dim]);
    const pos = g.input("pos", ["batch", "tokens", 3]);
    const pad = g.input("pad", ["batch", "tokens"], "bool");
    return { x, pos, pad, ...this.forward(x, pos, pad) };
  }
}

/** Builds an eval-mode (dropout off) graph of `net` with outputs `pooled` and `projected`. */
export function embeddingGraph(net: MilTransformerNet): Graph {
  const g = net.bind(new Graph({ training: false, name: "mil_transformer_embed" }));
  const out = net.forwardInputs(g);
  g.output("pooled", out.pooled);
  g.output("projected", out.projected);
  return g;
}
