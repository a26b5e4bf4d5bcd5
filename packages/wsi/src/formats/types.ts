import type { Ifd, TiffFile } from "../tiff/ifd";
import type { Mpp, RgbaImage, Vendor } from "../types";
import type { DecodePool } from "../worker-pool";

/** How a tile read may be run: decode worker pool and cancellation. */
export interface TileReadOptions {
  pool?: DecodePool;
  signal?: AbortSignal;
}

/** A tiled raster the region reader can paint from: level pixels in tiles of `tileWidth × tileHeight`. */
export interface TileSource {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  tilesAcross: number;
  tilesDown: number;
  /**
   * Decoded RGBA of tile `index` (`tileWidth × tileHeight × 4` bytes), undefined when the file has no
   * data for it. A tile may also be given as opaque RGB (`tileWidth × tileHeight × 3` bytes).
   */
  readTile(index: number, options?: TileReadOptions): Promise<Uint8Array | undefined>;
  /** Optional: several tiles at once (e.g. JPEG tiles decoded in one call); same pixels as readTile. */
  readTiles?(indices: number[], options?: TileReadOptions): Promise<(Uint8Array | undefined)[]>;
  /**
   * Optional: like readTiles, with one promise per tile, each settling as soon as its tile is decoded
   * (so a reader waits for its own tile, not for a whole batch).
   */
  readTilesEach?(indices: number[], options?: TileReadOptions): Promise<Uint8Array | undefined>[];
  /**
   * Optional: decodes only `targets[k].rect` of each tile `indices[k]` (JPEG tiles with the native
   * decoder: a region that covers part of a tile costs part of a decode), straight into the region
   * buffer it names. Resolves per tile: true when painted (pixels of the rect beyond the level or the
   * tile's data are left untouched), false when the file has no data for the tile.
   */
  readTileWindows?(indices: number[], targets: WindowTarget[]): Promise<boolean>[];
  /**
   * Optional: starts reading the stored (compressed) bytes of tiles that will be read soon, so that
   * their decodes can start at once when they are asked for instead of after a file read (read-ahead
   * of a scan: the file read then overlaps the decodes before it).
   */
  readStoredAhead?(indices: number[]): void;
}

/** A rectangle in pixels of one tile or image. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where a decoded window of a tile goes: `rect` (tile pixels) is written as RGBA into `dest`, a raster
 * `destWidth` pixels wide, with its top-left pixel at (`destX`, `destY`).
 */
export interface WindowTarget {
  rect: PixelRect;
  dest: Uint8Array;
  destWidth: number;
  destX: number;
  destY: number;
}

/** An associated image (label, macro, thumbnail): its size and a reader. */
export interface AssociatedSource {
  width: number;
  height: number;
  read(): Promise<RgbaImage>;
}

/** What a format reader extracts from a file: levels largest first, associated images, metadata. */
export interface SlideLayout {
  vendor: Vendor;
  levels: TileSource[];
  associated: Map<string, AssociatedSource>;
  /** Vendor and `tiff.*` properties; the `openslide.*` ones are added by the slide. */
  properties: Record<string, string>;
  mpp: Mpp | undefined;
  objectivePower: number | undefined;
  /** IFD of the smallest stored level, hashed for `openslide.quickhash-1`. */
  quickhashIfd?: Ifd;
  /** How `openslide.mpp-x/-y` are printed (OpenSlide differs by vendor). @default shortest round-trip decimal */
  mppFormat?: (value: number) => string;
  /** Extra cleanup when the slide closes (e.g. other files opened by the reader). */
  close?: () => Promise<void>;
}

/** One slide format: whether it claims a TIFF, and how to read its layout. */
export interface FormatReader {
  readonly vendor: Vendor;
  /** Cheap check on the parsed TIFF structure (no pixel reads). */
  detect(tiff: TiffFile): boolean;
  open(tiff: TiffFile): Promise<SlideLayout>;
}
