import type { RgbaImagePort, SlidePort } from "./wsi";

/** A binary mask on a thumbnail grid (@osfm/qc `QcMask`, @osfm/tiling `TissueMaskLike`). */
export interface MaskPort {
  width: number;
  height: number;
  downsample: number;
  data: Uint8Array;
}

/** @osfm/qc's result (issue 5), the fields the app uses. */
export interface QcResultPort {
  tissuePct: number;
  whitePct: number;
  penPct: number;
  blurVar: number;
  brightnessMean: number;
  saturationMean: number;
  excluded: boolean;
  reasons: string[];
  warnings?: string[];
  masks: { tissue: MaskPort; white: MaskPort; pen: MaskPort };
  thumbnail: RgbaImagePort;
}

/** @osfm/qc. */
export interface QcPort {
  computeQc(slide: SlidePort, options?: { thumbnailMaxSize?: number; penRule?: string }): Promise<QcResultPort>;
  renderQcOverlay(thumbnail: RgbaImagePort, masks: { tissue: MaskPort; pen?: MaskPort }): Promise<Uint8Array>;
  DEFAULT_THRESHOLDS: { minTissuePct: number; maxWhitePct: number; minBlurVar: number; maxPenPct: number };
}

/** One tile (@osfm/tiling `TileRow`). */
export interface TileRowPort {
  slideId: string;
  scaleUmPerPx: number;
  level: number;
  x: number;
  y: number;
  readSizePx: number;
  coverage: number;
  tileIdx: number;
}

/** @osfm/tiling's manifest (issue 5). */
export interface TileManifestPort {
  rows: TileRowPort[];
  scales: { scaleUmPerPx: number; candidates: number; budget: number; selected: number; tileSideUm: number }[];
  mpp: number;
  mppSource: string;
  warnings: string[];
  toArrow(): unknown;
}

/** @osfm/tiling. */
export interface TilingPort {
  tileSlide(slide: SlidePort, mask: MaskPort, options: Record<string, unknown>): TileManifestPort;
  parseManifest(bytes: Uint8Array, subject?: string): { rows: TileRowPort[] };
  passesQcPolicy(qc: { tissuePct: number; whitePct: number; reasons: readonly string[] } | undefined, policy: string): boolean;
}

/** @osfm/backbone's encoder (issue 7). */
export interface EncoderPort {
  readonly id: string;
  readonly fingerprint: string;
  readonly dim: number;
  close(): Promise<void>;
}

/** @osfm/backbone. */
export interface BackbonePort {
  createEncoder(options: { arch?: string; weights?: string; seed?: number; threads?: number; dtype?: string }): Promise<EncoderPort>;
  extractFeatures(options: {
    slide: SlidePort;
    manifest: readonly TileRowPort[];
    encoder: EncoderPort;
    out: string;
    slideId?: string;
    batchSize?: number;
    onProgress?: (p: { done: number; total: number; tilesPerSecond: number }) => void;
  }): Promise<{ scale: number; path: string; tiles: number; skipped: boolean; seconds: number }[]>;
  /** features: [n, dim] float32; coords: [n, 2] level-0 x, y. */
  readFeatureFile(file: string): Promise<{ features: Float32Array; coords: Float64Array; n: number; dim: number }>;
}

/** @osfm/figures (issue 11). */
export interface FiguresPort {
  renderWorkspace(root: string): Promise<({ id: string; status: "rendered"; svg: string } | { id: string; status: "skipped" | "invalid"; reason: string })[]>;
  writeFigure(outDir: string, id: string, svg: string, options?: { dpi?: number }): Promise<string[]>;
}

/** A slide bag for the MILTransformer: features [n, 768] and tile-centre positions [n, 2] in mm per scale. */
export interface SlideBagPort {
  slideId?: string;
  features05: Float32Array;
  coords05: Float32Array;
  features20: Float32Array;
  coords20: Float32Array;
}

/** @osfm/mil (issue 8). */
export interface MilPort {
  MILTransformer: { load(path: string, options?: { threads?: number }): Promise<{ fingerprint: string; embed(bag: SlideBagPort, options?: { output?: "projector" | "pooled" }): Promise<Float32Array>; release(): Promise<void> }> };
  exportEmbeddings(options: { path: string; rows: { slideId: string; embedding: Float32Array; nTokens05: number; nTokens20: number }[]; checkpointFingerprint: string; kind: string }): Promise<void>;
  readEmbeddings(path: string): Promise<{ rows: { slideId: string; embedding: Float32Array; nTokens05: number; nTokens20: number }[]; checkpoint: string; kind: string }>;
  tileCentresMm(coordsLevel0: ArrayLike<number>, options: { mppX: number; mppY: number; tileSizeLevel0: number }): Float32Array;
}

/** @osfm/mil's grading cross-validation (issue 8). */
export interface GradingPort {
  crossValidateGrading(
    cohort: { ids: readonly string[]; bags: readonly SlideBagPort[]; labels: readonly number[]; providers: readonly string[] },
    metric: (yTrue: readonly number[], yPred: readonly number[]) => number,
    options: {
      split: (strata: readonly string[], options: { nSplits: number; shuffle: boolean; seed: number }) => readonly { train: ArrayLike<number>; test: ArrayLike<number> }[];
      seeds?: readonly number[];
      nFolds?: number;
      config?: Record<string, number>;
      epochs?: number;
      batchSize?: number;
      standardize?: boolean;
      onFold?: (info: { seed: number; fold: number; bestEpoch: number; innerScore: number; testScore: number }) => void;
    },
  ): Promise<{ seeds: number[]; oofBySeed: Float64Array[]; ensemble: Float64Array; ensemblePred: number[]; foldBySeed?: Int32Array[] }>;
  oofCsv(cohort: { ids: readonly string[]; labels: readonly number[]; providers: readonly string[] }, proba: Float64Array): string;
}
