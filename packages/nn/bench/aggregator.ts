// The bench's model and sizes, shared by index.ts (timing) and profile.ts (onnxruntime profile).
import { LayerNorm, Module, TransformerEncoder, TransformerEncoderLayer, maskedMaxPool, mlp, type Tensor } from "@osfm/nn";

export const env = (k: string, d: number) => Number(process.env[`OSFM_BENCH_${k}`] ?? d);
/** Sizes from `OSFM_BENCH_*` (defaults: the OpenSlideFM aggregator at its full token budget). */
export const [layers, d, heads, ffn, tokens, threads, repeats, warmup] = [env("LAYERS", 6), env("D", 768), env("HEADS", 8), env("FFN", 3072), env("TOKENS", 1600), env("THREADS", 2), env("REPEATS", 5), env("WARMUP", 2)];
/** Heads whose attention weights are computed together (`OSFM_BENCH_HEADS_PER_GROUP`, default: the module's default). */
const headsPerGroup = process.env.OSFM_BENCH_HEADS_PER_GROUP === undefined ? undefined : env("HEADS_PER_GROUP", 2);

/** The aggregator's trunk: pre-norm encoder, final LayerNorm, max-pool, projector (as SPEC §6.2). */
export class Aggregator extends Module {
  readonly encoder = this.registerModule("encoder", new TransformerEncoder(() => new TransformerEncoderLayer(d, heads, { dimFeedforward: ffn, normFirst: true, dropout: 0.1, headsPerGroup }), layers));
  readonly norm = this.registerModule("norm", new LayerNorm(d));
  readonly proj = this.registerModule("proj", mlp([d, d, d]));
  forward(x: Tensor, pad: Tensor): Tensor {
    return this.proj.forward(maskedMaxPool(this.norm.forward(this.encoder.forward(x, pad)), pad));
  }
}
