import type { TileRow as TilingTileRow } from "@osfm/tiling";

/** Numeric precision of an encoder's input and weights, and of stored features. */
export type FeatureDtype = "float32" | "float16";

/** Architectures @osfm/backbone builds itself; any other model comes as an ONNX file. */
export type BackboneArch = "convnext_tiny";

/** Progress of a feature extraction, reported after every batch. */
export interface ExtractProgress {
  slideId: string;
  /** Target scale in µm/px of the tiles being encoded. */
  scale: number;
  /** Tiles encoded so far for this slide and scale. */
  done: number;
  /** Tiles of this slide and scale. */
  total: number;
  /** Encoded tiles per second since this slide and scale started. */
  tilesPerSecond: number;
}

/**
 * A tile to encode: the fields of a `@osfm/tiling` manifest row that feature extraction uses
 * (`x`, `y` in level-0 pixels, `readSizePx` square at `level`, target scale `scaleUmPerPx`).
 */
export type TileRow = Pick<TilingTileRow, "scaleUmPerPx" | "level" | "x" | "y" | "readSizePx"> & Partial<Pick<TilingTileRow, "slideId">>;
