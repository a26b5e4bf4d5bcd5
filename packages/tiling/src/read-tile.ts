import type { Slide } from "@osfm/wsi";
import sharp from "sharp";
import type { TileRow } from "./types";

/** An 8-bit RGB raster, row-major: `data.length === width * height * 3`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Options of `readTile`. */
export interface ReadTileOptions {
  /** sharp's resampling kernel. @default "lanczos3" */
  kernel?: "nearest" | "linear" | "cubic" | "mitchell" | "lanczos2" | "lanczos3";
  signal?: AbortSignal;
}

/**
 * Reads one manifest tile and resamples it to `size` × `size` RGB for an encoder (224 for ConvNeXt), so the
 * encoder sees exactly the tile's physical footprint. Transparent pixels (outside the slide) become white.
 */
export async function readTile(slide: Slide, row: Pick<TileRow, "level" | "x" | "y" | "readSizePx">, size = 224, options: ReadTileOptions = {}): Promise<RgbImage> {
  const { kernel = "lanczos3", signal } = options;
  const region = await slide.readRegion({ x: row.x, y: row.y, level: row.level, width: row.readSizePx, height: row.readSizePx, signal });
  const input = sharp(region.data, { raw: { width: region.width, height: region.height, channels: 4 } }).flatten({ background: "#ffffff" });
  const resized = region.width === size && region.height === size ? input : input.resize(size, size, { kernel, fit: "fill" });
  const data = await resized.removeAlpha().raw().toBuffer();
  return { width: size, height: size, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
