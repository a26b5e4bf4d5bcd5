import { add, LayerNorm, learnedToken, Linear, Module, mul, type Parameter, Rng, sub, type Tensor, TransformerEncoder, TransformerEncoderLayer } from "@osfm/nn";
import { DEFAULT_MFR_DECODER, type MfrDecoderConfig } from "./types";

/**
 * The MFR decoder (SPEC §6.4, training only): `in_proj` dim→decDim, the learned `mask_token` replaces the
 * projected encoder output at masked positions, a pre-norm TransformerEncoder (`encoder.layers.N`),
 * `norm`, `out_proj` decDim→dim. Names and shapes equal `MFRDecoder` in tooling/reference/mil/modules.py
 * (4,141,056 parameters at the default size).
 */
export class MfrDecoder extends Module {
  readonly config: MfrDecoderConfig;
  readonly in_proj: Linear;
  readonly mask_token: Parameter;
  readonly encoder: TransformerEncoder;
  readonly norm: LayerNorm;
  readonly out_proj: Linear;

  constructor(config: Partial<MfrDecoderConfig> = {}, seed = 0) {
    super();
    const c = { ...DEFAULT_MFR_DECODER, ...config };
    this.config = c;
    const rng = new Rng(seed);
    this.in_proj = this.registerModule("in_proj", new Linear(c.dim, c.decDim, { rng }));
    this.mask_token = this.registerParameter("mask_token", learnedToken([c.decDim], { rng }));
    const layer = () => new TransformerEncoderLayer(c.decDim, c.heads, { dimFeedforward: c.ffnDim, dropout: c.dropout, normFirst: true, activation: "relu", rng });
    this.encoder = this.registerModule("encoder", new TransformerEncoder(layer, c.depth));
    this.norm = this.registerModule("norm", new LayerNorm(c.decDim));
    this.out_proj = this.registerModule("out_proj", new Linear(c.decDim, c.dim, { rng }));
  }

  /**
   * tokens: [B, T, dim] encoder outputs; masked: [B, T, 1] float32 (1 = masked token); pad: bool [B, T]
   * (true = padding) → reconstruction [B, T, dim].
   */
  forward(tokens: Tensor, masked: Tensor, pad: Tensor): Tensor {
    const h = this.in_proj.forward(tokens);
    // h ← h·(1 − m) + mask_token·m (torch.where with a 0/1 mask, differentiable in both branches)
    const token = tokens.graph.param(this.mask_token);
    const mixed = add(mul(h, sub(1, masked)), mul(token, masked));
    return this.out_proj.forward(this.norm.forward(this.encoder.forward(mixed, pad)));
  }
}
