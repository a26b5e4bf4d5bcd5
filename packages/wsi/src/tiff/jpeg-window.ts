import { WsiError } from "../errors";
import { isBuiltinCodec } from "../codecs/registry";
import { jpegPixelLimit } from "../codecs/jpeg";
import { decodeJpegNativeInto, isUnsupportedByNative, nativeJpegActive } from "../codecs/native-jpeg";
import type { PixelRect, WindowTarget } from "../formats/types";
import type { TiffImage } from "./image";
import { Compression, Photometric } from "./tags";

/** True when windows of `image`'s tiles can be decoded on their own (JPEG tiles, native decoder active). */
export function canDecodeJpegWindows(image: TiffImage): boolean {
  return image.compression === Compression.Jpeg && image.tiled && isBuiltinCodec(image.compression)
    && (image.samplesPerPixel === 3 || image.samplesPerPixel === 1) && image.bitsPerSample === 8 && nativeJpegActive();
}

/**
 * Decodes the window `targets[k].rect` of each JPEG tile `indices[k]` straight into its target with the
 * native decoder (columns outside it are not transformed, rows below it not decoded at all), clipped
 * to the part of the tile inside `size` (pixels beyond stay untouched, i.e. transparent). The tiles'
 * bytes are read with one positioned read per run of back-to-back tiles. Resolves per tile: true when
 * painted, false for a missing tile; errors are `DECODE_FAILED` naming the tile. A tile the native
 * decoder does not handle is decoded whole (sharp) and the window copied from it.
 */
export function readJpegTileWindows(image: TiffImage, indices: number[], targets: WindowTarget[], size: { width: number; height: number } = image): Promise<boolean>[] {
  // with an addon that reads files, each window is one job that reads and decodes its tile
  if (indices.every((i) => image.readsNatively(i))) return indices.map((index, k) => readWindowNative(image, index, targets[k] as WindowTarget, size));
  const raws = image.readRawMany(indices);
  return indices.map(async (index, k) => {
    const raw = (await raws)[k];
    if (raw === undefined) return false;
    const target = targets[k] as WindowTarget;
    const rect = visiblePart(image, index, target.rect, size);
    if (rect === undefined) return true;
    const at = windowOffset(target, rect);
    const rgb = image.photometric === Photometric.Rgb && image.samplesPerPixel >= 3;
    const maxPixels = jpegPixelLimit(image.tileWidth, image.tileHeight);
    try {
      await decodeJpegNativeInto(raw, image.jpegTables, rgb, rect, maxPixels, target.dest, at, target.destWidth * 4);
    } catch (cause) {
      if (!isUnsupportedByNative(cause)) {
        const what = `tile ${index} of IFD at byte ${image.ifd.offset}`;
        throw new WsiError("DECODE_FAILED", image.tiff.source.path, `cannot decode ${what} (jpeg, native): ${(cause as Error)?.message ?? String(cause)}`, { cause });
      }
      copyWindow(await image.decodeRgba(raw, index), image.tileWidth, rect, target, at);
    }
    return true;
  });
}

/** One window of {@link readJpegTileWindows}, read and decoded by one native job. */
async function readWindowNative(image: TiffImage, index: number, target: WindowTarget, size: { width: number; height: number }): Promise<boolean> {
  const rect = visiblePart(image, index, target.rect, size);
  if (rect === undefined) return (image.byteCounts[index] ?? 0) > 0 && (image.offsets[index] ?? 0) > 0;
  const at = windowOffset(target, rect);
  const done = await image.readTileNative(index, rect, { dest: target.dest, destOffset: at, destStride: target.destWidth * 4 });
  if (done === undefined) return false;
  if (done !== "unsupported") return true;
  // what the addon does not handle: the whole tile (sharp; not the native decoder a second time), and the window copied from it
  const raw = await image.readRaw(index);
  if (raw === undefined) return false;
  copyWindow(await image.decodeRgba(raw, index), image.tileWidth, rect, target, at);
  return true;
}

/** Byte offset in `target.dest` of the top-left pixel of `rect` (the visible part of `target.rect`). */
function windowOffset(target: WindowTarget, rect: PixelRect): number {
  return ((target.destY + rect.y - target.rect.y) * target.destWidth + target.destX + rect.x - target.rect.x) * 4;
}

/** Copies `rect` of a whole decoded RGBA tile (`tileWidth` wide) into `target.dest` from byte `at` on. */
function copyWindow(whole: Uint8Array, tileWidth: number, rect: PixelRect, target: WindowTarget, at: number): void {
  const rowBytes = rect.width * 4;
  for (let r = 0; r < rect.height; r++) {
    const s = ((rect.y + r) * tileWidth + rect.x) * 4;
    target.dest.set(whole.subarray(s, s + rowBytes), at + r * target.destWidth * 4);
  }
}

/** The part of `rect` of tile `index` inside the level (`size`), or undefined when none is. */
function visiblePart(image: TiffImage, index: number, rect: PixelRect, size: { width: number; height: number }): PixelRect | undefined {
  const { tileWidth: tw, tileHeight: th } = image;
  const vw = Math.max(0, Math.min(tw, size.width - (index % image.tilesAcross) * tw));
  const vh = Math.max(0, Math.min(th, size.height - Math.floor(index / image.tilesAcross) * th));
  const width = Math.min(rect.x + rect.width, vw) - rect.x;
  const height = Math.min(rect.y + rect.height, vh) - rect.y;
  return width > 0 && height > 0 ? { x: rect.x, y: rect.y, width, height } : undefined;
}
