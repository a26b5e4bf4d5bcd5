// Public API of @osfm/tiling: see README.md.
export { MaskIntegral, paperCoverage } from "./coverage";
export { TilingError } from "./errors";
export type { TilingErrorCode } from "./errors";
export { chooseLevelAtOrFiner, chooseLevelNearest } from "./levels";
export type { LevelChoice } from "./levels";
export { MANIFEST_COLUMNS, parseManifest, rowsToArrow, writeManifest } from "./manifest";
export type { ManifestMetadata, ReadManifest } from "./manifest";
export { resolveMpp } from "./mpp";
export type { ResolveMppOptions, ResolvedMpp } from "./mpp";
export { passesQcPolicy } from "./policy";
export type { QcPolicy, QcSummary } from "./policy";
export { readTile } from "./read-tile";
export type { ReadTileOptions, RgbImage } from "./read-tile";
export { SplitMix64, sampleIndices, scaleLabel, tileSeed } from "./seed";
export { DEFAULT_BUDGETS, tileSlide } from "./tile-slide";
export type { MppSource, ScaleSummary, TileManifest, TileRow, TileSlideOptions, TissueMaskLike } from "./types";
