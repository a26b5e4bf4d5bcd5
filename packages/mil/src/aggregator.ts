import type { Feed, SessionOptions } from "@osfm/nn";
import { collateBags } from "./bag";
import { loadConfiguredNet, ModelHandle } from "./model-handle";
import { embeddingGraph, MilTransformerNet } from "./mil-transformer";
import { DEFAULT_MIL_TRANSFORMER, type EmbeddingKind, type MilTransformerConfig, type SlideBag } from "./types";

/** Options of {@link MILTransformer.create}. */
export interface CreateMilTransformerOptions {
  /** Seed of the initial weights. @default 0 */
  seed?: number;
  /** Architecture; defaults to the OpenSlideFM aggregator. */
  config?: Partial<MilTransformerConfig>;
  /** onnxruntime intra-op threads for {@link MILTransformer.embed}. @default 0 (onnxruntime decides) */
  threads?: number;
}

/** Options of {@link MILTransformer.embed}. */
export interface EmbedOptions {
  /** Which vector to return. @default "projector" (the original's choice, SPEC §9) */
  output?: EmbeddingKind;
}

const METADATA_KEY = "osfm.mil_transformer.config";

/**
 * The slide aggregator as a user holds it: create or load weights, count parameters, embed slides.
 * `net` is the underlying {@link MilTransformerNet} for training code (@osfm/byol-mfr).
 */
export class MILTransformer extends ModelHandle<MilTransformerConfig, MilTransformerNet> {
  private constructor(net: MilTransformerNet, sessionOptions: SessionOptions) {
    super(net, sessionOptions, METADATA_KEY);
  }

  /** A freshly initialised aggregator (PyTorch initialisations, seeded). */
  static create(options: CreateMilTransformerOptions = {}): MILTransformer {
    const { seed = 0, config = {}, threads = 0 } = options;
    return new MILTransformer(new MilTransformerNet(config, seed), { intraOpThreads: threads });
  }

  /** Loads a checkpoint written by {@link MILTransformer.save} (or a PyTorch state dict with the same names). */
  static async load(path: string, options: { threads?: number; config?: Partial<MilTransformerConfig> } = {}): Promise<MILTransformer> {
    const net = await loadConfiguredNet(path, METADATA_KEY, (c: Partial<MilTransformerConfig>) => new MilTransformerNet(c), options.config);
    return new MILTransformer(net, { intraOpThreads: options.threads ?? 0 });
  }

  /** The slide embedding of one bag (eval mode): Float32Array [dim]. */
  async embed(bag: SlideBag, options: EmbedOptions = {}): Promise<Float32Array> {
    const [row] = await this.embedBatch([bag], options);
    return row as Float32Array;
  }

  /** Slide embeddings of several bags, padded into one batch: one Float32Array [dim] per bag. */
  async embedBatch(bags: readonly SlideBag[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { output = "projector" } = options;
    const dim = this.net.config.dim;
    const batch = collateBags(bags, dim);
    const session = await this.evalSession(() => embeddingGraph(this.net));
    const feeds: Record<string, Feed> = {
      x: { data: batch.x, dims: [batch.batch, batch.tokens, dim] },
      pos: { data: batch.pos, dims: [batch.batch, batch.tokens, 3] },
      pad: { data: batch.pad, dims: [batch.batch, batch.tokens] },
    };
    const name = output === "projector" ? "projected" : "pooled";
    const res = await session.run(feeds, [name]);
    const data = res[name]?.data as Float32Array;
    return bags.map((_, b) => data.slice(b * dim, (b + 1) * dim));
  }
}

export { DEFAULT_MIL_TRANSFORMER };
