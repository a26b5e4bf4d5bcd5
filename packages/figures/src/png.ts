import { Resvg } from "@resvg/resvg-js";
import { defaultFontFiles } from "./fonts.js";
import { FONT_FAMILY, SVG_PX_PER_INCH } from "./theme.js";

/** Options of {@link toPng}. */
export interface ToPngOptions {
  /** Output resolution; the PNG is (SVG px / 96) × dpi pixels wide and records it in a pHYs chunk. @default 300 */
  dpi?: number;
  /** TTF/OTF files to render text with. @default DejaVu Sans from `dejavu-fonts-ttf` */
  fontFiles?: string[];
  /** Family used when an element names none or an unknown one. @default "DejaVu Sans" */
  defaultFontFamily?: string;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Inserts (or replaces) the PNG pHYs chunk so viewers and journals see the intended dpi. */
export function setPngDpi(png: Uint8Array, dpi: number): Uint8Array {
  const ppm = Math.round(dpi / 0.0254);
  const chunk = new Uint8Array(21);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // "pHYs"
  view.setUint32(8, ppm);
  view.setUint32(12, ppm);
  chunk[16] = 1; // unit: metre
  view.setUint32(17, crc32(chunk.subarray(4, 17)));
  // Walk the chunks after the 8-byte signature; drop an existing pHYs, insert ours after IHDR.
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  let off = 8;
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const end = off + 12 + len;
    if (type !== "pHYs") parts.push(png.subarray(off, end));
    if (type === "IHDR") parts.push(chunk);
    off = end;
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Renders an SVG string to PNG bytes at `dpi` with @resvg/resvg-js, using only the font files
 * passed in (system fonts are never loaded), so the output is the same on every machine.
 */
export function toPng(svg: string, options: ToPngOptions = {}): Uint8Array {
  const { dpi = 300, fontFiles = defaultFontFiles(), defaultFontFamily = FONT_FAMILY } = options;
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: dpi / SVG_PX_PER_INCH },
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily, sansSerifFamily: defaultFontFamily },
    background: "#ffffff",
  });
  return setPngDpi(resvg.render().asPng(), dpi);
}
