import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import sharp from "sharp";

/** Decodes a one-channel PNG mask into bytes (0/255). */
export async function readMask(path: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * ch] as number;
  return { width: info.width, height: info.height, data: out };
}

export const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Tissue by a simple colour rule: coloured (max − min ≥ 18) or darker than glass (mean < 215). */
export function colourTissue(r: number, g: number, b: number): boolean {
  return Math.max(r, g, b) - Math.min(r, g, b) >= 18 || (r + g + b) / 3 < 215;
}

/** Ink by colour: H&E pixels have green lowest; blue/green ink lifts green above red; black ink is dark overall. */
export function colourInk(r: number, g: number, b: number): boolean {
  return g > r + 4 || Math.max(r, g, b) < 80;
}

/** Erodes (or, with `invert`, dilates the complement of) a 0/255 mask by one pixel (8-neighbourhood). */
export function erode(mask: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let all = true;
      for (let dy = -1; dy <= 1 && all; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = Math.min(w - 1, Math.max(0, x + dx));
          const yy = Math.min(h - 1, Math.max(0, y + dy));
          if (!mask[yy * w + xx]) {
            all = false;
            break;
          }
        }
      }
      out[y * w + x] = all ? 255 : 0;
    }
  }
  return out;
}

export const invert = (m: Uint8Array): Uint8Array => m.map((v) => (v ? 0 : 255));

/** Nuclei on RGBA pixels: dark haematoxylin pixels (mean < 160, blue above green), as connected components. */
export function nucleiStats(rgba: Uint8Array, w: number, h: number): { count: number; meanArea: number; fraction: number } {
  const mask = new Uint8Array(w * h);
  let n = 0;
  for (let i = 0; i < w * h; i++) {
    const r = rgba[i * 4] as number;
    const g = rgba[i * 4 + 1] as number;
    const b = rgba[i * 4 + 2] as number;
    if ((r + g + b) / 3 < 160 && b > g + 20) {
      mask[i] = 1;
      n++;
    }
  }
  let count = 0;
  let area = 0;
  const stack: number[] = [];
  for (let i = 0; i < w * h; i++) {
    if (mask[i] !== 1) continue;
    let size = 0;
    stack.push(i);
    mask[i] = 2;
    while (stack.length) {
      const p = stack.pop() as number;
      size++;
      const x = p % w;
      const y = (p - x) / w;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1]) {
        if (q >= 0 && mask[q] === 1) {
          mask[q] = 2;
          stack.push(q);
        }
      }
    }
    if (size >= 6) {
      count++;
      area += size;
    }
  }
  return { count, meanArea: count ? area / count : 0, fraction: n / (w * h) };
}
