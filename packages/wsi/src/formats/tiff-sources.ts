import { WsiError } from "../errors";
import type { TiffImage } from "../tiff/image";
import { expandRgb } from "../tiff/to-rgba";
import type { RgbaImage } from "../types";
import { canDecodeJpegWindows, readJpegTileWindows } from "../tiff/jpeg-window";
import type { AssociatedSource, TileReadOptions, TileSource } from "./types";

/**
 * A pyramid level backed by a tiled TIFF image. `size` overrides the level size when the stored image
 * is padded (Philips); pixels beyond it read as transparent, as in OpenSlide.
 */
export function tiledLevel(image: TiffImage, size: { width: number; height: number } = image): TileSource {
  return {
    width: size.width,
    height: size.height,
    tileWidth: image.tileWidth,
    tileHeight: image.tileHeight,
    tilesAcross: image.tilesAcross,
    tilesDown: image.tilesDown,
    readTile: async (index, options) => {
      const tile = await image.readTileRgba(index, options);
      return tile === undefined ? undefined : clipTile(tile, image, index, size);
    },
    readTiles: async (indices, options) => {
      const tiles = await image.readTiles(indices, options);
      return tiles.map((tile, k) => (tile === undefined ? undefined : clipTile(tile, image, indices[k] as number, size)));
    },
    readTilesEach: (indices, options) => image.readTilesEach(indices, options).map((p, k) => p.then((tile) => (tile === undefined ? undefined : clipTile(tile, image, indices[k] as number, size)))),
    readTileWindows: canDecodeJpegWindows(image) ? (indices, targets) => readJpegTileWindows(image, indices, targets, size) : undefined,
    // (tiles the native decoder reads itself need no bytes read ahead: their job reads them)
    readStoredAhead: (indices) => {
      const wanted = indices.filter((i) => !image.readsNatively(i));
      if (wanted.length > 0) image.readRawAhead(wanted);
    },
  };
}

/**
 * Makes the part of an edge tile that lies beyond the image transparent, as OpenSlide does (in place;
 * an opaque RGB tile that needs it is expanded to RGBA first). Returns the tile.
 */
export function clipTile(tile: Uint8Array, image: TiffImage, index: number, size: { width: number; height: number } = image): Uint8Array {
  const { tileWidth: tw, tileHeight: th } = image;
  const x0 = (index % image.tilesAcross) * tw;
  const y0 = Math.floor(index / image.tilesAcross) * th;
  const vw = Math.max(0, Math.min(tw, size.width - x0));
  const vh = Math.max(0, Math.min(th, size.height - y0));
  if (vw === tw && vh === th) return tile;
  if (tile.length === tw * th * 3) tile = expandRgb(tile, tw * th);
  if (vw < tw) for (let y = 0; y < vh; y++) tile.fill(0, (y * tw + vw) * 4, (y + 1) * tw * 4);
  if (vh < th) tile.fill(0, vh * tw * 4);
  return tile;
}

/** Largest associated image decoded whole (pixels). */
const MAX_WHOLE_IMAGE_PIXELS = 2 ** 27;

/** Decodes a whole (usually stripped) TIFF image into one RGBA raster. */
export async function readWholeImage(image: TiffImage, options: TileReadOptions = {}): Promise<RgbaImage> {
  const { width, height, tileWidth, tileHeight } = image;
  if (width * height > MAX_WHOLE_IMAGE_PIXELS) {
    throw new WsiError("UNSUPPORTED_FORMAT", image.tiff.source.path, `associated image of ${width}x${height} pixels is larger than ${MAX_WHOLE_IMAGE_PIXELS} pixels`);
  }
  const data = new Uint8Array(width * height * 4);
  for (let ty = 0; ty < image.tilesDown; ty++) {
    for (let tx = 0; tx < image.tilesAcross; tx++) {
      const index = ty * image.tilesAcross + tx;
      const tile = await image.readTileRgba(index, options);
      if (tile === undefined) continue;
      const x0 = tx * tileWidth;
      const y0 = ty * tileHeight;
      const w = Math.min(tileWidth, width - x0);
      const h = Math.min(tileHeight, height - y0);
      for (let y = 0; y < h; y++) {
        data.set(tile.subarray(y * tileWidth * 4, (y * tileWidth + w) * 4), ((y0 + y) * width + x0) * 4);
      }
    }
  }
  return { width, height, data };
}

/** An associated image backed by a TIFF image (stripped or tiled); pixel reads fail with a WsiError. */
export function tiffAssociated(image: TiffImage): AssociatedSource {
  return {
    width: image.width,
    height: image.height,
    read: async () => {
      try {
        return await readWholeImage(image);
      } catch (cause) {
        if (cause instanceof WsiError) throw cause;
        throw new WsiError("DECODE_FAILED", image.tiff.source.path, `cannot read associated image: ${(cause as Error).message}`, { cause });
      }
    },
  };
}
