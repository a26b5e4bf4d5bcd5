/** OpenSlide's vendor names for the formats @osfm/wsi reads. */
export type Vendor = "aperio" | "generic-tiff" | "hamamatsu" | "philips";

/** One pyramid level, as OpenSlide reports it. `downsample` is relative to level 0. */
export interface LevelInfo {
  width: number;
  height: number;
  downsample: number;
  tileWidth: number;
  tileHeight: number;
}

/** Pixel size in µm/px. */
export interface Mpp {
  x: number;
  y: number;
}

/** An 8-bit RGBA raster, row-major, un-premultiplied: `data.length === width * height * 4`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A region request with OpenSlide semantics: `x`, `y` in level-0 pixels; `width`, `height` in pixels of `level`. */
export interface RegionRequest {
  x: number;
  y: number;
  level: number;
  width: number;
  height: number;
  signal?: AbortSignal;
  /**
   * Where to write the pixels (as OpenSlide's C `openslide_read_region(osr, dest, …)` does): at least
   * `width × height × 4` bytes, whose first `width × height × 4` are overwritten; the result's `data` is
   * then that part of it. When many regions of one size are read, reusing one buffer saves allocating,
   * and garbage-collecting, a new one per region. A read that fails or is aborted settles only once
   * nothing more will be written into it, so it may be reused at once. @default a new buffer per region
   */
  into?: Uint8Array;
}

export interface OpenSlideOptions {
  /** Size of the decoded-tile LRU cache in bytes. @default 134217728 (128 MiB) */
  cacheBytes?: number;
  /** Decode worker threads; 0 decodes on the main thread. @default 0 */
  workers?: number;
  /**
   * Tiles decoded ahead, in one batch, of a read that scans a tile row left to right (at most a quarter
   * of `cacheBytes` of tiles); 0 turns read-ahead off. Random reads are not affected. @default 32
   */
  readAheadTiles?: number;
}

/** An open whole-slide image. Only reads; segmentation, tiling and encoding live in other packages. */
export interface Slide {
  readonly path: string;
  readonly vendor: Vendor;
  readonly levels: readonly LevelInfo[];
  /** µm/px at level 0, or undefined when the file does not say. */
  readonly mpp: Mpp | undefined;
  readonly objectivePower: number | undefined;
  /** OpenSlide-style properties: `openslide.*`, `aperio.*`, `hamamatsu.*`, `philips.*`, `tiff.*`. */
  readonly properties: Readonly<Record<string, string>>;
  readonly associatedImageNames: readonly string[];
  readAssociatedImage(name: string): Promise<RgbaImage>;
  readRegion(request: RegionRequest): Promise<RgbaImage>;
  /** A downsampled RGBA image of the whole slide whose longest side is at most `maxSize`. */
  thumbnail(options?: { maxSize?: number }): Promise<RgbaImage>;
  close(): Promise<void>;
}
