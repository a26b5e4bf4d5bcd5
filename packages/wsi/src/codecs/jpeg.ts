import sharp from "sharp";
import { Photometric } from "../tiff/tags";
import { boxDownscale } from "./scaled-decode";
import { completeJpeg } from "./jpeg-stream";
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

/** TIFF JPEG (compression 7): abbreviated tiles completed with JPEGTables; photometric RGB decoded without colour conversion. */
export const jpegCodec: Codec = {
  name: "jpeg",
  decode(data: Uint8Array, ctx: DecodeContext): Promise<DecodedPixels> {
    const rgb = ctx.photometric === Photometric.Rgb && ctx.samplesPerPixel >= 3;
    // A corrupt SOF must not make libjpeg allocate more than a few tiles' worth of pixels.
    return decodeJpegStream(completeJpeg(data, ctx.jpegTables, rgb), 1, Math.max(ctx.width * ctx.height * 4, 1 << 20));
  },
};
