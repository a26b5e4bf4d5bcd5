import { WsiError } from "../errors";
import { isBuiltinCodec } from "../codecs/registry";
import { decodeJpegNative, isUnsupportedByNative, nativeJpegActive } from "../codecs/native-jpeg";
import type { PixelRect, TileWindow } from "../formats/types";
import type { TiffImage } from "./image";
import { Compression, Photometric } from "./tags";

/** True when windows of `image`'s tiles can be decoded on their own (JPEG tiles, native decoder active). */
export function canDecodeJpegWindows(image: TiffImage): boolean {
  return image.compression === Compression.Jpeg && image.tiled && isBuiltinCodec(image.compression)
    && (image.samplesPerPixel === 3 || image.samplesPerPixel === 1) && image.bitsPerSample === 8 && nativeJpegActive();
}

/**
 * Decodes only `rect` of JPEG tile `index` to RGBA with the native decoder (columns outside it are not
 * transformed, rows below it not decoded at all); undefined for a missing tile. A tile the native
 * decoder does not handle is decoded whole (the window then covers the tile). Errors are
 * `DECODE_FAILED` naming the tile.
 */
export async function readJpegTileWindow(image: TiffImage, index: number, rect: PixelRect): Promise<TileWindow | undefined> {
  const raw = await image.readRaw(index);
  if (raw === undefined) return undefined;
  const rgb = image.photometric === Photometric.Rgb && image.samplesPerPixel >= 3;
  // a corrupt SOF must not make libjpeg allocate more than a few tiles' worth of pixels
  const maxPixels = Math.max(image.tileWidth * image.tileHeight * 4, 1 << 20);
  try {
    const p = await decodeJpegNative(raw, image.jpegTables, rgb, 4, rect, maxPixels);
    return { x: rect.x, y: rect.y, width: p.width, height: p.height, channels: 4, data: p.data };
  } catch (cause) {
    if (isUnsupportedByNative(cause)) {
      const whole = await image.decodeRgba(raw, index);
      return { x: 0, y: 0, width: image.tileWidth, height: image.tileHeight, channels: 4, data: whole };
    }
    const what = `tile ${index} of IFD at byte ${image.ifd.offset}`;
    throw new WsiError("DECODE_FAILED", image.tiff.source.path, `cannot decode ${what} (jpeg, native): ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}
