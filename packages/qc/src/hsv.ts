import type { RgbaImage } from "@osfm/wsi";
import { QcError } from "./errors";

/** H, S, V and 8-bit gray planes of an image, each `[height, width]` uint8 on PIL's 0–255 scale. */
export interface HsvPlanes {
  width: number;
  height: number;
  h: Uint8Array;
  s: Uint8Array;
  v: Uint8Array;
  gray: Uint8Array;
}

const f = Math.fround;

/**
 * Converts one RGB pixel to PIL's 8-bit HSV exactly as Pillow's `convert("HSV")` does (single-precision
 * intermediate values, truncation to 0–255), so that thresholds on H, S and V match the original bit for bit.
 * Returns `[h, s, v]`.
 */
export function rgbToHsvPil(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  if (maxc === minc) return [0, 0, maxc];
  const cr = maxc - minc;
  const s = f(cr / maxc);
  const rc = f((maxc - r) / cr);
  const gc = f((maxc - g) / cr);
  const bc = f((maxc - b) / cr);
  let h: number;
  if (r === maxc) h = f(bc - gc);
  else if (g === maxc) h = f(2 + rc - bc);
  else h = f(4 + gc - rc);
  h = f((h / 6 + 1) % 1);
  const uh = Math.min(255, Math.max(0, Math.trunc(h * 255)));
  const us = Math.min(255, Math.max(0, Math.trunc(s * 255)));
  return [uh, us, maxc];
}

/** PIL's RGB → "L" conversion (ITU-R 601 luma in 16.16 fixed point, rounded). */
export function rgbToGrayPil(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

/** Checks that `image` is a well-formed RGBA raster; throws a QcError naming `subject` otherwise. */
export function assertRgba(image: RgbaImage, subject: string): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new QcError("BAD_IMAGE", subject, `expected a non-empty image, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new QcError("BAD_IMAGE", subject, `expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${data.length}`);
  }
}

/**
 * Flattens alpha onto a white background (as OpenSlide's thumbnails do) and returns an RGBA copy with A = 255.
 * Fully opaque images are returned unchanged.
 */
export function flattenOnWhite(image: RgbaImage): RgbaImage {
  const { data } = image;
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) return image;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    const k = 255 - a;
    out[i] = Math.round((data[i]! * a + 255 * k) / 255);
    out[i + 1] = Math.round((data[i + 1]! * a + 255 * k) / 255);
    out[i + 2] = Math.round((data[i + 2]! * a + 255 * k) / 255);
    out[i + 3] = 255;
  }
  return { width: image.width, height: image.height, data: out };
}

/** Computes PIL-exact H, S, V and gray planes of an opaque RGBA image. */
export function hsvPlanes(image: RgbaImage): HsvPlanes {
  const n = image.width * image.height;
  const h = new Uint8Array(n);
  const s = new Uint8Array(n);
  const v = new Uint8Array(n);
  const gray = new Uint8Array(n);
  const d = image.data;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const r = d[i]!;
    const g = d[i + 1]!;
    const b = d[i + 2]!;
    gray[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    // inlined rgbToHsvPil (same arithmetic; avoids an array per pixel)
    const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
    const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
    v[p] = maxc;
    if (maxc === minc) continue;
    const cr = maxc - minc;
    const rc = f((maxc - r) / cr);
    const gc = f((maxc - g) / cr);
    const bc = f((maxc - b) / cr);
    let hh: number;
    if (r === maxc) hh = f(bc - gc);
    else if (g === maxc) hh = f(2 + rc - bc);
    else hh = f(4 + gc - rc);
    hh = f((hh / 6 + 1) % 1);
    h[p] = Math.trunc(hh * 255);
    s[p] = Math.trunc(f(cr / maxc) * 255);
  }
  return { width: image.width, height: image.height, h, s, v, gray };
}
