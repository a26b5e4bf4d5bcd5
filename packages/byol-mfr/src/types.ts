import type { MilTransformerConfig } from "@osfm/mil";

/** Which phase a step belongs to: 1 = aggregator on cached features, 2 = backbone + aggregator end to end. */
export type Phase = 1 | 2;

/** What the MFR decoder reconstructs at the masked tokens. */
export type MfrTarget = "input" | "teacher-latent";

/** Shape of the MFR decoder (SPEC §6.4: 768→384, 2 layers, 4 heads, FFN 1536, 384→768). */
export interface MfrDecoderConfig {
  /** Input/output width. @default 768 */
  dim: number;
  /** @default 384 */
  decDim: number;
  /** @default 2 */
  depth: number;
  /** @default 4 */
  heads: number;
  /** @default 1536 */
  ffnDim: number;
  /** @default 0.1 */
  dropout: number;
}

/** Default MFR decoder: 4,141,056 parameters. */
export const DEFAULT_MFR_DECODER: Readonly<MfrDecoderConfig> = { dim: 768, decDim: 384, depth: 2, heads: 4, ffnDim: 1536, dropout: 0.1 };

/** Phase-1 settings (SPEC §6.3–§6.6). */
export interface Phase1Config {
  /** @default 2 */
  epochs: number;
  /** Slides per micro-batch. @default 3 */
  batchSlides: number;
  /** Micro-batches whose gradients are averaged before one optimizer step (real accumulation). @default 1 */
  accumulationSteps: number;
  /** @default 1.5e-4 */
  lr: number;
  /** Linear warm-up in optimizer steps (capped at the phase's step count). @default 500 */
  warmupSteps: number;
  /** Element-wise dropout probability of a view (no 1/(1−p) rescaling). @default 0.1 */
  dropoutP: number;
  /** Standard deviation of the additive Gaussian noise of a view. @default 0.02 */
  noiseStd: number;
  /** Token budget per slide at 0.5 µm/px (seeded sample without replacement above it). @default 1200 */
  maxTokens05: number;
  /** Token budget per slide at 2.0 µm/px. @default 400 */
  maxTokens20: number;
  /** Stop after this many optimizer steps of the phase in total (for tests, demos, benches). @default Infinity */
  maxSteps: number;
}

/** Phase-2 settings (SPEC §6.6 phase 2). */
export interface Phase2Config {
  /** @default 2 (0 skips phase 2) */
  epochs: number;
  /** Slides per optimizer step. @default 1 (as the original) */
  slidesPerStep: number;
  /** Raw tiles per slide per step; 75 % at 0.5 µm/px, the rest at 2.0. @default 96 */
  tilesPerSlide: number;
  /** Side of the encoder input in px. @default 224 */
  tileSize: number;
  /** Backbone lr = aggregator lr × this. @default 0.1 */
  backboneLrRatio: number;
  /** @default 1.5e-4 */
  lr: number;
  /** @default 200 */
  warmupSteps: number;
  /** Stochastic-depth probability of the last ConvNeXt block (linear over blocks, torchvision). @default 0.1 */
  stochasticDepth: number;
  /** Stop after this many optimizer steps of the phase in total. @default Infinity */
  maxSteps: number;
}

/** Everything a pretraining run is configured by; every field has a documented default. */
export interface PretrainConfig {
  /** Global seed (views, masks, sampling, dropout, initial weights). @default 13 */
  seed: number;
  /** Aggregator architecture. @default the OpenSlideFM MILTransformer */
  aggregator: Partial<MilTransformerConfig>;
  /** MFR decoder architecture; `dim` follows the aggregator. */
  decoder: Partial<MfrDecoderConfig>;
  phase1: Partial<Phase1Config>;
  phase2: Partial<Phase2Config>;
  /** Fraction of tokens masked for MFR (same indices in both views). @default 0.25 */
  maskRatio: number;
  /** Weight of the MFR loss. @default 0.5 */
  lambdaMfr: number;
  /** @default 1e-4 */
  weightDecay: number;
  /** @default [0.9, 0.999] */
  betas: readonly [number, number];
  /** EMA momentum at step 0 (rises to 1 on a cosine unless `emaSchedule` is "constant"). @default 0.996 */
  emaTau: number;
  /** @default "cosine" */
  emaSchedule: "cosine" | "constant";
  /** @default "input" (reconstruct the original features of masked tokens) */
  mfrTarget: MfrTarget;
  /**
   * Standardise the tokens per scale and per dimension, z = (x − mean) / max(sd, tokenStdFloor), with
   * statistics fitted once over every training bag (streamed, float64) and saved with the checkpoints and
   * `final/`. Student, teacher and the MFR target (then centred) all see z, in phase 2 too (applied to the
   * backbone's features inside the graphs). Use it when the features share a large common offset (e.g. a
   * random-init or weakly trained encoder: cosine ≈ 0.97 between any two tiles), which makes both cosine
   * losses trivially small. Embedding with the result needs the same transform: `loadTokenScaler`.
   * @default false
   */
  standardizeTokens: boolean;
  /** Floor of the standardisation divisor, in feature units (dimensions with smaller spread are not blown up). @default 1e-6 */
  tokenStdFloor: number;
  /** Checkpoint every N optimizer steps (and at each epoch end). @default 1000 */
  saveEverySteps: number;
  /** One log row every N optimizer steps (and at each epoch end). @default 50 */
  logEverySteps: number;
  /** onnxruntime intra-op threads. @default 0 (onnxruntime decides) */
  threads: number;
  /**
   * Reproduce the original's choices where cheap: teacher-latent MFR target and constant τ.
   * (The teacher stays in eval mode and the schedules stay correct: those were bugs.) @default false
   */
  paperCompat: boolean;
}

/** Resolved phase settings. */
export interface ResolvedConfig extends Omit<PretrainConfig, "phase1" | "phase2" | "decoder"> {
  phase1: Phase1Config;
  phase2: Phase2Config;
  decoder: Omit<MfrDecoderConfig, "dim">;
}

export const DEFAULT_PHASE1: Readonly<Phase1Config> = {
  epochs: 2, batchSlides: 3, accumulationSteps: 1, lr: 1.5e-4, warmupSteps: 500, dropoutP: 0.1, noiseStd: 0.02,
  maxTokens05: 1200, maxTokens20: 400, maxSteps: Number.POSITIVE_INFINITY,
};

export const DEFAULT_PHASE2: Readonly<Phase2Config> = {
  epochs: 2, slidesPerStep: 1, tilesPerSlide: 96, tileSize: 224, backboneLrRatio: 0.1, lr: 1.5e-4, warmupSteps: 200,
  stochasticDepth: 0.1, maxSteps: Number.POSITIVE_INFINITY,
};

/** Fills every default of {@link PretrainConfig}. */
export function resolveConfig(config: Partial<PretrainConfig> = {}): ResolvedConfig {
  const paperCompat = config.paperCompat ?? false;
  const { dim: _ignored, ...decoder } = { ...DEFAULT_MFR_DECODER, ...config.decoder };
  return {
    seed: config.seed ?? 13,
    aggregator: config.aggregator ?? {},
    decoder,
    phase1: { ...DEFAULT_PHASE1, ...config.phase1 },
    phase2: { ...DEFAULT_PHASE2, ...config.phase2 },
    maskRatio: config.maskRatio ?? 0.25,
    lambdaMfr: config.lambdaMfr ?? 0.5,
    weightDecay: config.weightDecay ?? 1e-4,
    betas: config.betas ?? [0.9, 0.999],
    emaTau: config.emaTau ?? 0.996,
    emaSchedule: config.emaSchedule ?? (paperCompat ? "constant" : "cosine"),
    mfrTarget: config.mfrTarget ?? (paperCompat ? "teacher-latent" : "input"),
    standardizeTokens: config.standardizeTokens ?? false,
    tokenStdFloor: config.tokenStdFloor ?? 1e-6,
    saveEverySteps: config.saveEverySteps ?? 1000,
    logEverySteps: config.logEverySteps ?? 50,
    threads: config.threads ?? 0,
    paperCompat,
  };
}
