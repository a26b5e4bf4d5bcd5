import { createRequire } from "node:module";

interface J2KEncoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean }): Uint8Array;
  setDecompositions(n: number): void;
  setQuality(lossless: boolean, quantizationStep: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}
let mod: Promise<{ J2KEncoder: new () => J2KEncoder }> | undefined;

/** Encodes interleaved 8-bit samples as a JPEG 2000 codestream (OpenJPEG WASM encoder, for tests). */
export async function encodeJ2k(data: Uint8Array, width: number, height: number, channels: number, lossless = true): Promise<Uint8Array> {
  mod ??= (createRequire(import.meta.url)("@cornerstonejs/codec-openjpeg/wasmjs") as (o: object) => Promise<{ J2KEncoder: new () => J2KEncoder }>)({ print() {}, printErr() {} });
  const m = await mod;
  const e = new m.J2KEncoder();
  try {
    e.getDecodedBuffer({ width, height, bitsPerSample: 8, componentCount: channels, isSigned: false }).set(data);
    e.setDecompositions(Math.max(1, Math.min(5, Math.floor(Math.log2(Math.min(width, height))) - 2)));
    if (!lossless) e.setQuality(false, 0.02);
    e.encode();
    return e.getEncodedBuffer().slice();
  } finally {
    e.delete();
  }
}

/** RGB → YCbCr (JFIF full range), interleaved, for Aperio 33003 test tiles. */
export function rgbToYcbcr(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let p = 0; p < rgb.length; p += 3) {
    const r = rgb[p] as number;
    const g = rgb[p + 1] as number;
    const b = rgb[p + 2] as number;
    const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    out[p] = c(0.299 * r + 0.587 * g + 0.114 * b);
    out[p + 1] = c(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
    out[p + 2] = c(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  }
  return out;
}
