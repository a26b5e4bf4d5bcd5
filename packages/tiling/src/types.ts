import type { Table } from "apache-arrow";

/** A binary tissue mask over the whole slide (e.g. `QcResult.masks.tissue`): `data[y * width + x]` non-zero inside. */
export interface TissueMaskLike {
  width: number;
  height: number;
  /** Level-0 pixels per mask pixel (informational; the mapping uses the slide's level-0 size). */
  downsample: number;
  data: Uint8Array;
}

/** One tile of a manifest. `x`, `y` are level-0 pixels; `readSizePx` is the square read at `level`. */
export interface TileRow {
  slideId: string;
  /** Target scale in µm/px (0.5 or 2.0). */
  scaleUmPerPx: number;
  level: number;
  x: number;
  y: number;
  readSizePx: number;
  /** Tissue fraction of the tile's footprint, in [0, 1]. */
  coverage: number;
  /** 0-based index of the tile within its slide and scale (raster order of the sampled tiles). */
  tileIdx: number;
}

/** Where the level-0 µm/px came from. */
export type MppSource = "file" | "user" | "objective-power" | "paper-default";

/** What happened at one target scale. */
export interface ScaleSummary {
  scaleUmPerPx: number;
  level: number;
  /** µm/px of the chosen level. */
  levelMpp: number;
  readSizePx: number;
  /** Side of the tile's footprint in level-0 pixels. */
  footprintLevel0Px: number;
  /** Physical side of one tile in µm. */
  tileSideUm: number;
  /** Grid positions looked at, candidates (coverage ≥ threshold), the budget and the tiles kept. */
  gridPositions: number;
  candidates: number;
  budget: number;
  selected: number;
  /** The sampling seed: f(global seed, SHA-256(slide id, scale)). */
  seed: bigint;
}

/** The tiles of one slide at every target scale. */
export interface TileManifest {
  slideId: string;
  rows: TileRow[];
  scales: ScaleSummary[];
  /** Level-0 µm/px used, and where it came from. */
  mpp: number;
  mppSource: MppSource;
  paperCompat: boolean;
  globalSeed: number;
  /** Things a person should know (fallback mpp, upsampling, tiny slides). */
  warnings: string[];
  /** The manifest as an Apache Arrow table (columns `slide_id, scale_um_per_px, level, x, y, read_size_px, coverage, tile_idx, seed`). */
  toArrow(): Table;
}

/** Options of `tileSlide`. */
export interface TileSlideOptions {
  /** Slide id used in rows and seeds. @default the file name without extension */
  slideId?: string;
  /** Target scales in µm/px. @default [0.5, 2.0] */
  scalesUmPerPx?: readonly number[];
  /** Tiles kept per scale (by scale value). @default { 0.5: 1200, 2: 400 } */
  budgets?: Readonly<Record<number, number>>;
  /** Tile side in pixels at the target scale. @default 256 */
  tileSizePx?: number;
  /** Grid step in pixels at the target scale (overlap = tile − stride). @default 224 */
  stridePx?: number;
  /** A tile is a candidate when at least this fraction of its footprint is tissue. @default 0.3 */
  minCoverage?: number;
  /** Global seed mixed with SHA-256(slide id, scale). @default 1337 */
  globalSeed?: number;
  /** Level-0 µm/px to use instead of (or in the absence of) the file's. */
  mpp?: number;
  /** Allow mpp = 10 / objective power (40x → 0.25, 20x → 0.5) when the file has no mpp; recorded in `warnings`. @default false */
  allowObjectivePowerFallback?: boolean;
  /** Reproduce the original: nearest-mpp level, 256 px read with no resampling, its coverage box, mpp fallback 0.25. @default false */
  paperCompat?: boolean;
  /** A level counts as "at" the target when its mpp is within this relative tolerance. @default 0.02 */
  levelTolerance?: number;
}
