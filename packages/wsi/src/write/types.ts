/** Pixels handed to the writer: RGB (3) or RGBA (4, alpha is flattened onto white), row-major, 8 bits. */
export interface RasterImage {
  width: number;
  height: number;
  /** `width * height * channels` bytes. */
  data: Uint8Array;
  /** @default 3 */
  channels?: 3 | 4;
}

/**
 * Where the writer gets level-0 pixels from, one region at a time, so that a slide larger than memory
 * can be written. The writer asks for full-width strips of `tileSize` rows, top to bottom, once each.
 */
export interface SlideSource {
  /** Level-0 width in pixels. */
  width: number;
  /** Level-0 height in pixels. */
  height: number;
  /** Channels of the arrays returned by `readRegion`. @default 3 */
  channels?: 3 | 4;
  /** Level-0 pixel size in µm/px (a number means square pixels); omitted when unknown. */
  mpp?: number | { x: number; y: number };
  /** Scanner objective power (e.g. 20 or 40), written as Aperio `AppMag`. */
  objectivePower?: number;
  /** Returns `width * height * channels` bytes for the level-0 rectangle at (`x`, `y`). */
  readRegion(x: number, y: number, width: number, height: number): Uint8Array | Promise<Uint8Array>;
}

/** Container flavour: Aperio-style SVS (vendor `aperio` in OpenSlide) or generic tiled TIFF (`generic-tiff`). */
export type SlideFileFormat = "svs" | "tiff";

/** Tile codec, by name; see {@link tileEncoders}. */
export type TileCompression = "jpeg" | "deflate" | "none";

/** Progress of {@link writeSlide}, in level-0 rows read from the source. */
export interface WriteProgress {
  rowsDone: number;
  rowsTotal: number;
}

export interface WriteSlideOptions {
  /** `svs` writes the Aperio layout and ImageDescription; `tiff` a generic pyramidal TIFF. @default "svs" */
  format?: SlideFileFormat;
  /** Tile codec. @default "jpeg" */
  compression?: TileCompression;
  /** JPEG quality 1–100. @default 90 */
  quality?: number;
  /** JPEG chroma subsampling; the TIFF YCbCrSubsampling tag is set to match. @default "4:4:4" */
  chromaSubsampling?: "4:4:4" | "4:2:0";
  /** Square tile edge in pixels, a multiple of 16. @default 256 */
  tileSize?: number;
  /** Downsample between consecutive pyramid levels. @default 4 for svs, 2 for tiff */
  levelDownsample?: 2 | 4;
  /** Levels are added until the smallest one's longer side is at most this many pixels. @default 512 */
  minLevelSize?: number;
  /** `true` forces BigTIFF, `false` forbids it, `"auto"` uses it only when offsets exceed 4 GiB. @default "auto" */
  bigTiff?: boolean | "auto";
  /** Write a thumbnail associated image whose longer side is at most this size; 0 for none. @default 1024 */
  thumbnailMaxSize?: number;
  /** Optional label associated image (svs: stripped IFD named `label`). */
  label?: RasterImage;
  /** Optional macro associated image (svs: stripped IFD named `macro`). */
  macro?: RasterImage;
  /** Extra `key = value` pairs appended to the Aperio ImageDescription (svs only). */
  aperioProperties?: Record<string, string | number>;
  /** ImageDescription of level 0 for generic TIFF. @default "" (no tag) */
  description?: string;
  /** Called after each strip of level-0 rows is read. */
  onProgress?: (progress: WriteProgress) => void;
  /** Aborts the write; the temporary file is removed. */
  signal?: AbortSignal;
}

/** What {@link writeSlide} wrote. */
export interface WriteSlideResult {
  path: string;
  bytes: number;
  bigTiff: boolean;
  levels: { width: number; height: number; downsample: number }[];
  associatedImages: string[];
}
