import { Compression } from "../tiff/tags";
import { decodeJ2k } from "./openjpeg";
import type { Codec, DecodedPixels } from "./types";

/** libjpeg's fixed-point YCbCr → RGB tables (16 fractional bits), which OpenSlide's JPEG 2000 path mirrors. */
const ONE_HALF = 1 << 15;
const fix = (x: number): number => Math.floor(x * 65536 + 0.5);
const rCr = new Int32Array(256);
const bCb = new Int32Array(256);
const gCr = new Int32Array(256);
const gCb = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  rCr[i] = (fix(1.402) * x + ONE_HALF) >> 16;
  bCb[i] = (fix(1.772) * x + ONE_HALF) >> 16;
  gCr[i] = -fix(0.71414) * x;
  gCb[i] = -fix(0.34414) * x + ONE_HALF;
}
const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** Converts interleaved YCbCr samples to RGB in place. */
export function ycbcrToRgb(data: Uint8Array, channels: number): void {
  for (let p = 0; p + 2 < data.length; p += channels) {
    const y = data[p] as number;
    const cb = data[p + 1] as number;
    const cr = data[p + 2] as number;
    data[p] = clamp(y + (rCr[cr] as number));
    data[p + 1] = clamp(y + (((gCb[cb] as number) + (gCr[cr] as number)) >> 16));
    data[p + 2] = clamp(y + (bCb[cb] as number));
  }
}

function jp2kCodec(name: string, ycbcr: boolean): Codec {
  return {
    name,
    async decode(data, ctx): Promise<DecodedPixels> {
      const out = await decodeJ2k(data, Math.max(ctx.width * ctx.height * 4, 1 << 20));
      if (ycbcr && out.channels >= 3) ycbcrToRgb(out.data, out.channels);
      return { ...out, colorReady: true };
    },
  };
}

/** Aperio JPEG 2000 tiles: 33003 holds YCbCr components, 33005 RGB. */
export const jp2kCodecs: ReadonlyArray<[number, Codec]> = [
  [Compression.Jpeg2000YCbCr, jp2kCodec("jpeg2000-ycbcr", true)],
  [Compression.Jpeg2000Rgb, jp2kCodec("jpeg2000-rgb", false)],
];
