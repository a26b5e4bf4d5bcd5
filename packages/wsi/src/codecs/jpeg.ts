import sharp from "sharp";
import { Photometric } from "../tiff/tags";
import { ycbcrToRgb } from "./jp2k";
import { boxDownscale, chroma420Downscale, ycc444Downscale } from "./scaled-decode";
import { completeJpeg } from "./jpeg-stream";
import { decodeJpegNative, isUnsupportedByNative, nativeJpegActive } from "./native-jpeg";
import type { Codec, DecodeContext, DecodedPixels } from "./types";

let cacheOff = false;

/**
 * libvips' operation cache hashes and keeps every decoded input; for tile decoding it only costs
 * (≈ 40 % more CPU per 256² tile, measured) since @osfm/wsi caches decoded tiles itself. It is turned
 * off (process-wide, `sharp.cache(false)`) before the first decode.
 */
function disableLibvipsCache(): void {
  if (cacheOff) return;
  cacheOff = true;
  sharp.cache(false);
}

/** Decodes one JPEG byte stream with libjpeg-turbo (through sharp/libvips) to interleaved 8-bit samples. */
export async function decodeJpegStream(stream: Uint8Array, scale = 1, maxPixels = 2 ** 26): Promise<DecodedPixels> {
  disableLibvipsCache();
  const { data, info } = await sharp(stream, { failOn: "error", limitInputPixels: maxPixels, sequentialRead: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (scale === 1) return { data: pixels, width: info.width, height: info.height, channels: info.channels, colorReady: true };
  const small = boxDownscale(pixels, info.width, info.height, info.channels, scale);
  return { ...small, channels: info.channels, colorReady: true };
}

/** Most pixels a JPEG tile of `width × height` may declare: a corrupt SOF must not make libjpeg allocate more than a few tiles' worth. */
export function jpegPixelLimit(width: number, height: number): number {
  return Math.max(width * height * 4, 1 << 20);
}

/**
 * TIFF JPEG (compression 7): abbreviated tiles completed with JPEGTables; photometric RGB decoded without
 * colour conversion. Decoded straight to RGBA by the native libjpeg-turbo addon when it is built (see
 * native-jpeg.ts), through sharp otherwise or for what the addon does not handle (e.g. CMYK).
 */
export const jpegCodec: Codec = {
  name: "jpeg",
  async decode(data: Uint8Array, ctx: DecodeContext): Promise<DecodedPixels> {
    const rgb = ctx.photometric === Photometric.Rgb && ctx.samplesPerPixel >= 3;
    const maxPixels = jpegPixelLimit(ctx.width, ctx.height);
    if (nativeJpegActive() && (ctx.samplesPerPixel === 3 || ctx.samplesPerPixel === 1)) {
      try {
        const p = await decodeJpegNative(data, ctx.jpegTables, rgb, 4, undefined, maxPixels);
        return { data: p.data, width: p.width, height: p.height, channels: 4, colorReady: true };
      } catch (err) {
        if (!isUnsupportedByNative(err)) throw err;
      }
    }
    return decodeJpegStream(completeJpeg(data, ctx.jpegTables, rgb), 1, maxPixels);
  },
};

/**
 * A JPEG decoded at 1/`scale` the way libjpeg's scaled decoding (OpenSlide's NDPI levels) does it, for
 * 3-component 4:2:0 and 4:4:4 JPEGs: the YCbCr samples are decoded without colour conversion (Adobe
 * transform 0) and reduced per plane, then converted with libjpeg's tables. Other layouts fall back to
 * the mean of RGB pixels.
 */
export async function decodeJpegScaled(stream: Uint8Array, scale: number, sampling: [number, number][]): Promise<DecodedPixels> {
  const is444 = sampling.length === 3 && sampling.every(([h, v]) => h === 1 && v === 1);
  const is420 = sampling.length === 3 && sampling[0]?.[0] === 2 && sampling[0]?.[1] === 2 && sampling.slice(1).every(([h, v]) => h === 1 && v === 1);
  if (scale === 1 || !(is444 || is420)) return decodeJpegStream(stream, scale);
  const raw = await decodeJpegStream(completeJpeg(stream, undefined, true));
  const toRgb = (d: Uint8Array) => ycbcrToRgb(d, 3);
  const small = is420 ? chroma420Downscale(raw.data, raw.width, raw.height, scale, toRgb) : ycc444Downscale(raw.data, raw.width, raw.height, scale, toRgb);
  return { ...small, channels: 3, colorReady: true };
}
