import type { RgbaImage } from "@osfm/wsi";

/** A small deterministic PRNG (mulberry32) for test images. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HeImageOptions {
  width?: number;
  height?: number;
  seed?: number;
  /** Eosin colour of the stroma. */
  eosin?: [number, number, number];
  /** Pen stroke colour, or undefined for none. */
  pen?: [number, number, number];
  /** Ink transmittance per channel: the stroke multiplies what is under it (real ink over tissue) instead of painting `pen`. */
  ink?: [number, number, number];
  /** Vertical position of the stroke as a fraction of the height. @default 0.15 */
  penY?: number;
  /** Scale the tissue's distance from white (1 = normal, 0.3 = pale). */
  strength?: number;
}

export interface HeImage {
  image: RgbaImage;
  tissue: Uint8Array;
  pen: Uint8Array;
}

const clamp = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** A procedural H&E-like thumbnail: white glass, elliptic tissue with eosin stroma and hematoxylin nuclei, an optional pen stroke. */
export function heImage(options: HeImageOptions = {}): HeImage {
  const { width = 320, height = 240, seed = 1, eosin = [232, 150, 196], pen, ink, penY = 0.15, strength = 1 } = options;
  const r = rng(seed);
  const data = new Uint8Array(width * height * 4);
  const tissue = new Uint8Array(width * height);
  const penMask = new Uint8Array(width * height);
  const blobs = Array.from({ length: 3 }, () => ({
    cx: width * (0.25 + 0.5 * r()),
    cy: height * (0.25 + 0.5 * r()),
    rx: width * (0.12 + 0.12 * r()),
    ry: height * (0.12 + 0.12 * r()),
  }));
  const nuclei = Array.from({ length: Math.floor((width * height) / 60) }, () => [r() * width, r() * height, 1 + 2 * r()] as const);
  const nucleus = new Uint8Array(width * height);
  for (const [nx, ny, nr] of nuclei) {
    for (let y = Math.floor(ny - nr); y <= ny + nr; y++)
      for (let x = Math.floor(nx - nr); x <= nx + nr; x++)
        if (x >= 0 && y >= 0 && x < width && y < height && (x - nx) ** 2 + (y - ny) ** 2 <= nr * nr) nucleus[y * width + x] = 1;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const inside = blobs.some((b) => ((x - b.cx) / b.rx) ** 2 + ((y - b.cy) / b.ry) ** 2 <= 1);
      let c: [number, number, number] = [244 + 4 * r(), 243 + 4 * r(), 245 + 4 * r()];
      if (inside) {
        tissue[p] = 1;
        const base: [number, number, number] = nucleus[p] ? [95, 62, 150] : eosin;
        const n = (r() - 0.5) * 30;
        c = base.map((v) => 255 - (255 - v) * strength + n) as [number, number, number];
      }
      data[p * 4] = clamp(c[0]);
      data[p * 4 + 1] = clamp(c[1]);
      data[p * 4 + 2] = clamp(c[2]);
      data[p * 4 + 3] = 255;
    }
  }
  if (pen || ink) {
    for (let x = Math.floor(width * 0.1); x < width * 0.9; x++) {
      const yc = height * penY + 6 * Math.sin(x / 9);
      for (let y = Math.floor(yc - 4); y <= yc + 4; y++) {
        const p = y * width + x;
        penMask[p] = 1;
        tissue[p] = 0;
        const n = (r() - 0.5) * 16;
        for (let c = 0; c < 3; c++) {
          const under = data[p * 4 + c]!;
          data[p * 4 + c] = clamp(ink ? under * (0.1 + 0.9 * ink[c]!) : pen![c]! + n);
        }
      }
    }
  }
  return { image: { width, height, data }, tissue, pen: penMask };
}
