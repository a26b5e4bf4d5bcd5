/**
 * One slide's tokens at the two scales. Features are row-major `[n, dim]` float32; coordinates are
 * the tile centres in millimetres, row-major `[n, 2]` (see {@link tileCentresMm}).
 */
export interface SlideBag {
  /** Used in error messages and exports. @default "<bag>" */
  slideId?: string;
  features05: Float32Array;
  coords05: Float32Array;
  features20: Float32Array;
  coords20: Float32Array;
}

/** Which vector {@link MILTransformer.embed} returns: the projector output (the original's choice) or the max-pooled representation. */
export type EmbeddingKind = "projector" | "pooled";

/** Shape of a MILTransformer (defaults: the OpenSlideFM aggregator, 45,188,352 parameters). */
export interface MilTransformerConfig {
  /** @default 768 */
  dim: number;
  /** @default 6 */
  depth: number;
  /** @default 8 */
  heads: number;
  /** @default 3072 */
  ffnDim: number;
  /** @default 0.1 */
  dropout: number;
  /** Hidden width of the position/scale MLP 3→hidden→dim. @default 384 */
  posHidden: number;
}

export const DEFAULT_MIL_TRANSFORMER: Readonly<MilTransformerConfig> = {
  dim: 768,
  depth: 6,
  heads: 8,
  ffnDim: 3072,
  dropout: 0.1,
  posHidden: 384,
};

/** Token budgets of the original (NB04/NB06): 1,200 tokens at 0.5 µm/px and 400 at 2.0 µm/px. */
export const TOKEN_BUDGET = { scale05: 1200, scale20: 400 } as const;
