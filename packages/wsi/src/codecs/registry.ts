import { Compression } from "../tiff/tags";
import { jpegCodec } from "./jpeg";
import { deflateCodec, lzwCodec, noneCodec, packBitsCodec, zstdCodec } from "./lossless";
import type { Codec } from "./types";

/**
 * TIFF compression number → codec, loaded lazily on first use.
 * Users may register more (e.g. a vendor-specific compression) with {@link registerCodec}.
 */
const codecs = new Map<number, () => Promise<Codec>>([
  [Compression.None, async () => noneCodec],
  [Compression.Lzw, async () => lzwCodec],
  [Compression.Jpeg, async () => jpegCodec],
  [Compression.AdobeDeflate, async () => deflateCodec],
  [Compression.Deflate, async () => deflateCodec],
  [Compression.PackBits, async () => packBitsCodec],
  [Compression.Zstd, async () => zstdCodec],
  [Compression.Jpeg2000YCbCr, async () => ((await import("./jp2k")).jp2kCodecs[0] as [number, Codec])[1]],
  [Compression.Jpeg2000Rgb, async () => ((await import("./jp2k")).jp2kCodecs[1] as [number, Codec])[1]],
]);

const builtin = new Map(codecs);

/** Adds or replaces the codec used for a TIFF compression number (decoded on the main thread). */
export function registerCodec(compression: number, load: () => Promise<Codec>): void {
  codecs.set(compression, load);
}

/** True when `compression` uses a built-in codec, which decode workers also have. */
export function isBuiltinCodec(compression: number): boolean {
  return builtin.get(compression) === codecs.get(compression);
}

/** True when a codec is registered for `compression`. */
export function hasCodec(compression: number): boolean {
  return codecs.has(compression);
}

/** The codec for `compression`, or undefined when none is registered. */
export async function getCodec(compression: number): Promise<Codec | undefined> {
  const load = codecs.get(compression);
  return load === undefined ? undefined : load();
}
