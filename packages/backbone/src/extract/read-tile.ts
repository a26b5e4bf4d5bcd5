import { existsSync } from "node:fs";
import { readTile } from "@osfm/tiling";
import type { Slide } from "@osfm/wsi";
import { BackboneError } from "../errors";
import { resizeBilinearPil } from "../preprocess/pil-bilinear";
import type { TileRow } from "../types";

/** Reads one tile as `outSize × outSize × 3` RGB bytes (HWC). Plug in `@osfm/tiling`'s reader here. */
export type TileReader = (slide: Slide, row: TileRow, outSize: number, signal?: AbortSignal) => Promise<Uint8Array>;

/**
 * The tile as the original preprocesses it: the manifest's footprint read by `@osfm/tiling`'s `readTile`
 * at its native read size (alpha flattened onto white), then resized to `outSize` with Pillow's bilinear
 * filter, as torchvision's `Resize(224)` on a PIL image does.
 */
export const readTileRgb: TileReader = async (slide, row, outSize, signal) => {
  const rgb = await readTile(slide, row, row.readSizePx, signal ? { signal } : {});
  return resizeBilinearPil(rgb.data, rgb.width, rgb.height, 3, outSize, outSize);
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
    const where = `level ${row.level} at level-0 (${row.x}, ${row.y}), ${row.readSizePx} px`;
    throw new BackboneError("TILE_READ_FAILED", `cannot read the tile ${where}: ${(cause as Error).message}`, { path: slide.path, cause });
  }
  if (tile.length !== outSize * outSize * 3) {
    throw new BackboneError("TILE_READ_FAILED", `tile reader returned ${tile.length} bytes; expected ${outSize}×${outSize}×3`, { path: slide.path });
  }
  return tile;
}
