import { WsiError } from "../errors";
import type { DecodedPixels } from "../codecs/types";
import { undoHorizontalPredictor } from "../codecs/predictor";
import { Photometric } from "./tags";

/** The layout fields of a TIFF image that decide how samples become RGBA. */
export interface SampleLayout {
  tileWidth: number;
  tileHeight: number;
  photometric: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  predictor: number;
  extraSamples: number[];
}

/**
 * Converts decoded samples to un-premultiplied RGBA of exactly `tileWidth × tileHeight`
 * (rows or columns the codec did not produce stay transparent).
 */
export function toRgba(p: DecodedPixels, layout: SampleLayout, path: string): Uint8Array {
  const { tileWidth: tw, tileHeight: th } = layout;
  const ch = p.channels;
  // a codec that already produced the whole tile as RGBA (the native JPEG decoder): nothing to convert
  if (p.colorReady && ch === 4 && p.width === tw && p.height === th && p.data.length === tw * th * 4) return p.data;
  const out = new Uint8Array(tw * th * 4);
  let data = p.data;
  if (!p.colorReady) {
    if (layout.bitsPerSample !== 8) {
      throw new WsiError("UNSUPPORTED_FORMAT", path, `expected 8 bits per sample, found ${layout.bitsPerSample}`);
    }
    if (layout.predictor === 2) undoHorizontalPredictor(data, p.width, p.height, ch);
    else if (layout.predictor !== 1) throw new WsiError("UNSUPPORTED_FORMAT", path, `unsupported TIFF predictor ${layout.predictor}`);
    const pm = layout.photometric;
    if (pm !== Photometric.Rgb && pm !== Photometric.MinIsBlack && pm !== Photometric.MinIsWhite) {
      throw new WsiError("UNSUPPORTED_FORMAT", path, `unsupported photometric interpretation ${pm} for uncompressed samples`);
    }
    if (pm === Photometric.MinIsWhite) {
      data = data.slice();
      for (let i = 0; i < data.length; i++) data[i] = 255 - (data[i] as number);
    }
  }
  if (p.colorReady && (ch === 3 || ch === 4) && p.width === tw) return rgbFast(data, ch, out, Math.min(th, p.height) * tw);
  const gray = ch < 3;
  const alphaIndex = gray ? (ch >= 2 ? 1 : -1) : ch >= 4 ? 3 : -1;
  const premultiplied = alphaIndex >= 0 && !p.colorReady && layout.extraSamples[0] === 1;
  const hasAlpha = alphaIndex >= 0 && (p.colorReady || layout.extraSamples[0] === 1 || layout.extraSamples[0] === 2);
  const w = Math.min(tw, p.width);
  const h = Math.min(th, p.height);
  for (let y = 0; y < h; y++) {
    let s = y * p.width * ch;
    let d = y * tw * 4;
    for (let x = 0; x < w; x++, s += ch, d += 4) {
      const r = data[s] as number;
      const g = gray ? r : (data[s + 1] as number);
      const b = gray ? r : (data[s + 2] as number);
      let a = 255;
      if (hasAlpha) a = data[s + alphaIndex] as number;
      if (premultiplied && a !== 255) {
        out[d] = a === 0 ? 0 : Math.min(255, Math.round((r * 255) / a));
        out[d + 1] = a === 0 ? 0 : Math.min(255, Math.round((g * 255) / a));
        out[d + 2] = a === 0 ? 0 : Math.min(255, Math.round((b * 255) / a));
      } else {
        out[d] = r;
        out[d + 1] = g;
        out[d + 2] = b;
      }
      out[d + 3] = a;
    }
  }
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** RGB(A) display samples → RGBA (the common JPEG / JPEG 2000 case). */
function rgbFast(data: Uint8Array, ch: number, out: Uint8Array, pixels: number): Uint8Array {
  if (ch === 4) {
    out.set(data.subarray(0, pixels * 4));
    return out;
  }
  rgbToRgba(data, 0, out, 0, pixels);
  return out;
}

/** An opaque RGB tile (`pixels × 3` bytes) as RGBA. */
export function expandRgb(rgb: Uint8Array, pixels: number): Uint8Array {
  return rgbToRgba(rgb, 0, new Uint8Array(pixels * 4), 0, pixels);
}

/**
 * Converts `n` RGB pixels starting at byte `s` of `src` to opaque RGBA at byte `d` of `dst` (`d` a
 * multiple of 4): 32-bit stores, and four pixels (three 32-bit loads) at a time once `s` is aligned.
 */
export function rgbToRgba(src: Uint8Array, s: number, dst: Uint8Array, d: number, n: number): Uint8Array {
  if (!littleEndian || (dst.byteOffset + d) % 4 !== 0) {
    for (let i = 0; i < n; i++, s += 3, d += 4) {
      dst[d] = src[s] as number; dst[d + 1] = src[s + 1] as number; dst[d + 2] = src[s + 2] as number; dst[d + 3] = 255;
    }
    return dst;
  }
  const o32 = new Uint32Array(dst.buffer, dst.byteOffset + d, n);
  let i = 0;
  for (; i < n && (src.byteOffset + s) % 4 !== 0; i++, s += 3) {
    o32[i] = ((src[s] as number) | ((src[s + 1] as number) << 8) | ((src[s + 2] as number) << 16) | 0xff000000) >>> 0;
  }
  if (n - i >= 4) {
    const w = (src.byteOffset + s) >> 2;
    const quads = (n - i) >> 2;
    const d32 = new Uint32Array(src.buffer, 0, w + quads * 3);
    for (let q = 0, k = w; q < quads; q++, i += 4, k += 3) {
      const w0 = d32[k] as number;
      const w1 = d32[k + 1] as number;
      const w2 = d32[k + 2] as number;
      o32[i] = (w0 | 0xff000000) >>> 0;
      o32[i + 1] = ((w0 >>> 24) | (w1 << 8) | 0xff000000) >>> 0;
      o32[i + 2] = ((w1 >>> 16) | (w2 << 16) | 0xff000000) >>> 0;
      o32[i + 3] = ((w2 >>> 8) | 0xff000000) >>> 0;
    }
    s += quads * 12;
  }
  for (; i < n; i++, s += 3) {
    o32[i] = ((src[s] as number) | ((src[s + 1] as number) << 8) | ((src[s + 2] as number) << 16) | 0xff000000) >>> 0;
  }
  return dst;
}
