import { existsSync } from "node:fs";
import type { Slide } from "@osfm/wsi";
import { BackboneError } from "../errors";
import { resizeBilinearPil } from "../preprocess/pil-bilinear";
import type { TileRow } from "../types";

/** Reads one tile as `outSize × outSize × 3` RGB bytes (HWC). Plug in `@osfm/tiling`'s reader here. */
export type TileReader = (slide: Slide, row: TileRow, outSize: number, signal?: AbortSignal) => Promise<Uint8Array>;

/**
 * The original's tile read: `read_region` of `size × size` pixels at the row's level, alpha dropped
 * (PIL `convert("RGB")`), then resized to `outSize` with Pillow's bilinear filter.
 */
export const readTileRgb: TileReader = async (slide, row, outSize, signal) => {
  const rgba = await slide.readRegion({ x: row.x, y: row.y, level: row.level, width: row.size, height: row.size, ...(signal ? { signal } : {}) });
  const px = rgba.width * rgba.height;
  const rgb = new Uint8Array(px * 3);
  for (let i = 0; i < px; i++) {
    rgb[i * 3] = rgba.data[i * 4]!;
    rgb[i * 3 + 1] = rgba.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba.data[i * 4 + 2]!;
  }
  return resizeBilinearPil(rgb, rgba.width, rgba.height, 3, outSize, outSize);
};

/** Reads a tile and turns any failure into a typed error naming the slide and the tile. */
export async function readTileChecked(reader: TileReader, slide: Slide, row: TileRow, outSize: number, signal?: AbortSignal): Promise<Uint8Array> {
  let tile: Uint8Array;
  try {
    tile = await reader(slide, row, outSize, signal);
  } catch (cause) {
    if (signal?.aborted) throw new BackboneError("ABORTED", "extraction aborted", { path: slide.path, cause });
    if (!existsSync(slide.path)) {
      throw new BackboneError("SLIDE_MISSING", "the slide file disappeared during extraction", { path: slide.path, cause });
    }
    const where = `level ${row.level} at (${row.x}, ${row.y}), ${row.size} px`;
    throw new BackboneError("TILE_READ_FAILED", `cannot read the tile ${where}: ${(cause as Error).message}`, { path: slide.path, cause });
  }
  if (tile.length !== outSize * outSize * 3) {
    throw new BackboneError("TILE_READ_FAILED", `tile reader returned ${tile.length} bytes; expected ${outSize}×${outSize}×3`, { path: slide.path });
  }
  return tile;
}
