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

/** A tile to encode: its scale, pyramid level and position. One row of a tile manifest. */
export interface TileRow {
  /** Target scale in µm/px (0.5 or 2.0 in the original). */
  scale: number;
  /** Pyramid level the tile is read from. */
  level: number;
  /** Top-left x in level-0 pixels. */
  x: number;
  /** Top-left y in level-0 pixels. */
  y: number;
  /** Side of the square read, in pixels of `level` (256 in the original). */
  size: number;
}
