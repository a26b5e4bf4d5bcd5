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
  const out = new Uint8Array(tw * th * 4);
  const ch = p.channels;
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

/** RGB(A) display samples → RGBA through 32-bit stores (the common JPEG / JPEG 2000 case). */
function rgbFast(data: Uint8Array, ch: number, out: Uint8Array, pixels: number): Uint8Array {
  if (ch === 4) {
    out.set(data.subarray(0, pixels * 4));
    return out;
  }
  if (!littleEndian) {
    for (let i = 0, s = 0; i < pixels; i++, s += 3) {
      out[i * 4] = data[s] as number; out[i * 4 + 1] = data[s + 1] as number; out[i * 4 + 2] = data[s + 2] as number; out[i * 4 + 3] = 255;
    }
    return out;
  }
  const o32 = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  let i = 0;
  let s = 0;
  if (data.byteOffset % 4 === 0) {
    // four pixels (three 32-bit words of RGB) at a time
    const d32 = new Uint32Array(data.buffer, data.byteOffset, (pixels * 3) >> 2);
    for (const n = pixels & ~3; i < n; i += 4, s += 3) {
      const w0 = d32[s] as number;
      const w1 = d32[s + 1] as number;
      const w2 = d32[s + 2] as number;
      o32[i] = (w0 | 0xff000000) >>> 0;
      o32[i + 1] = ((w0 >>> 24) | (w1 << 8) | 0xff000000) >>> 0;
      o32[i + 2] = ((w1 >>> 16) | (w2 << 16) | 0xff000000) >>> 0;
      o32[i + 3] = ((w2 >>> 8) | 0xff000000) >>> 0;
    }
    s *= 4;
  }
  for (; i < pixels; i++, s += 3) {
    o32[i] = ((data[s] as number) | ((data[s + 1] as number) << 8) | ((data[s + 2] as number) << 16) | 0xff000000) >>> 0;
  }
  return out;
}
