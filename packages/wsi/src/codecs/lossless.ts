import { inflateSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { decodeLzw } from "./lzw";
import { decodePackBits } from "./packbits";
import type { Codec, DecodeContext, DecodedPixels } from "./types";

function expectedBytes(ctx: DecodeContext): number {
  return Math.ceil((ctx.width * ctx.samplesPerPixel * ctx.bitsPerSample) / 8) * ctx.height;
}

function raw(data: Uint8Array, ctx: DecodeContext): DecodedPixels {
  const need = expectedBytes(ctx);
  let out = data;
  if (data.length < need) {
    out = new Uint8Array(need);
    out.set(data);
  }
  return { data: out, width: ctx.width, height: ctx.height, channels: ctx.samplesPerPixel, colorReady: false };
}

/** Makes a codec from a synchronous byte-stream decompressor. */
function byteCodec(name: string, fn: (data: Uint8Array, expected: number) => Uint8Array): Codec {
  return {
    name,
    decode: async (data, ctx) => raw(fn(data, expectedBytes(ctx)), ctx),
  };
}

/** Uncompressed samples (compression 1). */
export const noneCodec = byteCodec("none", (d) => d.slice());
/** LZW (compression 5). */
export const lzwCodec = byteCodec("lzw", decodeLzw);
/** PackBits (compression 32773). */
export const packBitsCodec = byteCodec("packbits", decodePackBits);
/** Deflate / Adobe Deflate (compression 8 and 32946). */
export const deflateCodec = byteCodec("deflate", (d, n) => {
  const out = inflateSync(d, { maxOutputLength: Math.max(n, 1), finishFlush: 2 /* Z_SYNC_FLUSH: tolerate missing trailer */ });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
});
/** Zstandard (compression 50000), pure JS (fzstd). */
export const zstdCodec = byteCodec("zstd", (d, n) => zstdDecompress(d, new Uint8Array(n)));
