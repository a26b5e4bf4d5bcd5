import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PixelRect } from "../formats/types";

/** Pixels of a (window of a) JPEG decoded by the native addon: `width × height × channels` bytes. */
export interface NativeJpegPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}


interface NativeJpegBinding {
  decode(
    tile: Uint8Array, tables: Uint8Array | null, rgbPhotometric: boolean, channels: 3 | 4,
    x: number, y: number, width: number, height: number, maxPixels: number,
    dest?: Uint8Array, destOffset?: number, destStride?: number,
  ): Promise<NativeJpegPixels>;
  /** decode() with the tile's bytes read by the job (`length` bytes at `offset` of `fd`); absent from addons built before it was added. */
  decodeFile?(
    fd: number, offset: number, length: number, tables: Uint8Array | null, rgbPhotometric: boolean, channels: 3 | 4,
    x: number, y: number, width: number, height: number, maxPixels: number,
    dest?: Uint8Array, destOffset?: number, destStride?: number,
  ): Promise<NativeJpegPixels>;
  /** Absent from addons built before it was added. */
  copyRows?(src: Uint8Array, srcOffset: number, srcStride: number, dest: Uint8Array, destOffset: number, destStride: number, rowBytes: number, rows: number): void;
}

let binding: NativeJpegBinding | null | undefined;

/**
 * The JPEG addon built from `native/jpeg_decode.c` against the system libjpeg-turbo (see binding.gyp),
 * or undefined when it was not built (no compiler or libjpeg headers at install time) or
 * while `OSFM_WSI_NATIVE=0` (read on every call); sharp decodes JPEG tiles then. Loaded once, on first use.
 */
function loadBinding(): NativeJpegBinding | undefined {
  if (process.env.OSFM_WSI_NATIVE === "0") return undefined;
  if (binding !== undefined) return binding ?? undefined;
  binding = null;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/codecs/ (workspace source) or dist/ (built package)
  for (const dir of [path.resolve(here, "../../build/Release"), path.resolve(here, "../build/Release")]) {
    const file = path.join(dir, "osfm_jpeg.node");
    if (!existsSync(file)) continue;
    try {
      binding = createRequire(import.meta.url)(file) as NativeJpegBinding;
      break;
    } catch {
      // a binary built for another Node or libjpeg: keep looking, then fall back to sharp
    }
  }
  return binding ?? undefined;
}

/** True when JPEG tiles are decoded by the native libjpeg-turbo addon rather than by sharp. */
export function nativeJpegActive(): boolean {
  return loadBinding() !== undefined;
}

/**
 * Decodes `window` (whole image when omitted; clipped to the image) of a TIFF JPEG tile with the native
 * addon on a libuv thread: `tables` are the TIFF JPEGTables, `rgb` says the components are R, G, B
 * (photometric RGB) rather than YCbCr, `channels` 4 gives RGBA with alpha 255. Only the tile's iMCU
 * columns and rows the window needs are transformed. Rejects with a plain Error (libjpeg's message) on
 * corrupt data; one whose message starts with "unsupported" means sharp should be used instead.
 */
export function decodeJpegNative(
  tile: Uint8Array, tables: Uint8Array | undefined, rgb: boolean, channels: 3 | 4,
  window: PixelRect | undefined, maxPixels: number,
): Promise<NativeJpegPixels> {
  const b = loadBinding();
  if (b === undefined) return Promise.reject(new Error("unsupported: the native JPEG decoder is not built"));
  const { x = 0, y = 0, width = 0, height = 0 } = window ?? {};
  return b.decode(tile, tables ?? null, rgb, channels, x, y, width, height, maxPixels);
}

/**
 * Like {@link decodeJpegNative} with `channels` 4, but the RGBA window is written into `dest` (rows
 * `destStride` bytes apart from `destOffset`) instead of a new buffer; resolves with its size (smaller
 * than `window` when it reaches beyond the JPEG; pixels not written are left as they were).
 */
export async function decodeJpegNativeInto(
  tile: Uint8Array, tables: Uint8Array | undefined, rgb: boolean, window: PixelRect, maxPixels: number,
  dest: Uint8Array, destOffset: number, destStride: number,
): Promise<{ width: number; height: number }> {
  const b = loadBinding();
  if (b === undefined) throw new Error("unsupported: the native JPEG decoder is not built");
  const { width, height } = await b.decode(tile, tables ?? null, rgb, 4, window.x, window.y, window.width, window.height, maxPixels, dest, destOffset, destStride);
  return { width, height };
}

/** Where a tile's stored bytes are: `length` bytes at byte `offset` of the open file `fd`. */
export interface StoredTile {
  fd: number;
  offset: number;
  length: number;
}

/** True when the addon can read a tile's bytes itself ({@link decodeJpegNativeFile}). */
export function nativeJpegReadsFiles(): boolean {
  return loadBinding()?.decodeFile !== undefined;
}

/**
 * Like {@link decodeJpegNative} (RGBA), but the job reads the tile's stored bytes itself on the libuv
 * thread, right before decoding them: no round trip through the JavaScript thread between the file
 * read and the decode. With `into`, the window is written into `into.dest` as {@link decodeJpegNativeInto}
 * does (`data` is then empty). `fd` must stay open until the promise settles. A failed or short read
 * rejects with an Error whose message starts with "read:".
 */
export function decodeJpegNativeFile(
  stored: StoredTile, tables: Uint8Array | undefined, rgb: boolean, window: PixelRect | undefined, maxPixels: number,
  into?: { dest: Uint8Array; destOffset: number; destStride: number },
): Promise<NativeJpegPixels> {
  const decodeFile = loadBinding()?.decodeFile;
  if (decodeFile === undefined) return Promise.reject(new Error("unsupported: the native JPEG decoder cannot read files"));
  const { x = 0, y = 0, width = 0, height = 0 } = window ?? {};
  const { fd, offset, length } = stored;
  if (into === undefined) return decodeFile(fd, offset, length, tables ?? null, rgb, 4, x, y, width, height, maxPixels);
  return decodeFile(fd, offset, length, tables ?? null, rgb, 4, x, y, width, height, maxPixels, into.dest, into.destOffset, into.destStride);
}

/**
 * Copies `rows` rows of `rowBytes` bytes from `src` (rows `srcStride` bytes apart from `srcOffset`) to
 * `dest` (likewise) with the addon, in one synchronous call; false (nothing copied) when the addon is
 * not loaded, and the caller copies. Throws a TypeError when a row lies outside either array.
 */
export function copyRowsNative(
  src: Uint8Array, srcOffset: number, srcStride: number,
  dest: Uint8Array, destOffset: number, destStride: number, rowBytes: number, rows: number,
): boolean {
  const copyRows = loadBinding()?.copyRows;
  if (copyRows === undefined) return false;
  copyRows(src, srcOffset, srcStride, dest, destOffset, destStride, rowBytes, rows);
  return true;
}

/** True for a native decode failure that means "use sharp" rather than "the data is bad". */
export function isUnsupportedByNative(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("unsupported");
}
