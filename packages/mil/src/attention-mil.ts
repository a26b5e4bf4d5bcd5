import {
  concat,
  Dropout,
  Graph,
  LayerNorm,
  Linear,
  Module,
  MultiheadAttention,
  ReLU,
  Rng,
  Sequential,
  squeeze,
  type Tensor,
  add,
  where,
} from "@osfm/nn";
import { type TopKInputs, topKInputs, topKSoftmaxPool } from "./topk-pool";

/** Shape of the PANDA attention-MIL model (defaults: SPEC §13.1, 11,099,144 parameters). */
export interface AttentionMilConfig {
  /** @default 768 */
  dim: number;
  /** @default 8 */
  heads: number;
  /** @default 1536 */
  ffnDim: number;
  /** @default 384 */
  scorerHidden: number;
  /** @default 512 */
  fusionDim: number;
  /** ISUP grades 0–5. @default 6 */
  numClasses: number;
  /** Dropout inside the per-scale block. @default 0.1 */
  dropout: number;
  /** Dropout in the fusion head. @default 0.15 */
  fusionDropout: number;
}

export const DEFAULT_ATTENTION_MIL: Readonly<AttentionMilConfig> = {
  dim: 768,
  heads: 8,
  ffnDim: 1536,
  scorerHidden: 384,
  fusionDim: 512,
  numClasses: 6,
  dropout: 0.1,
  fusionDropout: 0.15,
};

/** Score of padded tokens, as the original (masked_fill −1e4). */
const PAD_SCORE = -1e4;

/** One scale of the grading model: post-norm transformer block, token scorer, top-k softmax pooling. */
export class MultiHeadPool extends Module {
  readonly attn: MultiheadAttention;
  readonly norm1: LayerNorm;
  readonly ffn: Sequential;
  readonly norm2: LayerNorm;
  readonly scorer: Sequential;

  constructor(c: AttentionMilConfig, rng: Rng) {
    super();
    this.attn = this.registerModule("attn", new MultiheadAttention(c.dim, c.heads, { dropout: c.dropout, rng }));
    this.norm1 = this.registerModule("norm1", new LayerNorm(c.dim));
    this.ffn = this.registerModule(
      "ffn",
      new Sequential(new Linear(c.dim, c.ffnDim, { rng }), new ReLU(), new Dropout(c.dropout), new Linear(c.ffnDim, c.dim, { rng })),
    );
    this.norm2 = this.registerModule("norm2", new LayerNorm(c.dim));
    this.scorer = this.registerModule("scorer", new Sequential(new Linear(c.dim, c.scorerHidden, { rng }), new ReLU(), new Linear(c.scorerHidden, 1, { rng })));
  }

  /** x: [B, T, dim], pad: bool [B, T] → pooled [B, dim]. */
  forward(x: Tensor, pad: Tensor, k: TopKInputs): Tensor {
    const a = this.attn.forward(x, x, x, { keyPaddingMask: pad });
    let h = this.norm1.forward(add(x, a));
    h = this.norm2.forward(add(h, this.ffn.forward(h)));
    const scores = where(pad, PAD_SCORE, squeeze(this.scorer.forward(h), [2]));
    return topKSoftmaxPool(h, scores, k);
  }
}

/**
 * The PANDA ISUP grading model (SPEC §13.1): one {@link MultiHeadPool} per scale, their pooled vectors
 * concatenated and fused 1536→512 (LayerNorm, ReLU, dropout 0.15)→512 (ReLU, dropout)→6 logits.
 * Names follow `tooling/reference/mil/modules.py` (`pool05.*`, `pool20.*`, `fusion.{0,1,4,7}.*`).
 */
export class AttentionMilNet extends Module {
  readonly config: AttentionMilConfig;
  readonly pool05: MultiHeadPool;
  readonly pool20: MultiHeadPool;
  readonly fusion: Sequential;

  constructor(config: Partial<AttentionMilConfig> = {}, seed = 0) {
    super();
    const c = { ...DEFAULT_ATTENTION_MIL, ...config };
    this.config = c;
    const rng = new Rng(seed);
    this.pool05 = this.registerModule("pool05", new MultiHeadPool(c, rng));
    this.pool20 = this.registerModule("pool20", new MultiHeadPool(c, rng));
    this.fusion = this.registerModule(
      "fusion",
      new Sequential(
        new Linear(2 * c.dim, c.fusionDim, { rng }),
        new LayerNorm(c.fusionDim),
        new ReLU(),
        new Dropout(c.fusionDropout),
        new Linear(c.fusionDim, c.fusionDim, { rng }),
        new ReLU(),
        new Dropout(c.fusionDropout),
        new Linear(c.fusionDim, c.numClasses, { rng }),
      ),
    );
  }

  /** Declares inputs `x05, pad05, x20, pad20` and the top-k inputs on a bound graph; returns logits [B, numClasses]. */
  forwardInputs(g: Graph): Tensor {
    const d = this.config.dim;
    const x05 = g.input("x05", ["batch", "t05", d]);
    const pad05 = g.input("pad05", ["batch", "t05"], "bool");
    const x20 = g.input("x20", ["batch", "t20", d]);
    const pad20 = g.input("pad20", ["batch", "t20"], "bool");
    const p05 = this.pool05.forward(x05, pad05, topKInputs(g, "k05"));
    const p20 = this.pool20.forward(x20, pad20, topKInputs(g, "k20"));
    return this.fusion.forward(concat([p05, p20], 1));
  }
}

/** An eval-mode graph of `net` with output `logits` [B, numClasses]. */
export function gradingGraph(net: AttentionMilNet): Graph {
  const g = net.bind(new Graph({ training: false, name: "attention_mil" }));
  g.output("logits", net.forwardInputs(g));
  return g;
}
