import type { LevelInfo, Mpp, RegionRequest, RgbaImage, Slide } from "@osfm/wsi";
import sharp from "sharp";

/** Box-averages an RGBA image by an integer factor (edge blocks average what exists). */
export function boxDownsample(img: RgbaImage, f: number): RgbaImage {
  const width = Math.ceil(img.width / f);
  const height = Math.ceil(img.height / f);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const acc = [0, 0, 0, 0];
      let n = 0;
      for (let j = y * f; j < Math.min(img.height, (y + 1) * f); j++)
        for (let i = x * f; i < Math.min(img.width, (x + 1) * f); i++) {
          for (let c = 0; c < 4; c++) acc[c]! += img.data[(j * img.width + i) * 4 + c]!;
          n++;
        }
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = Math.round(acc[c]! / n);
    }
  return { width, height, data };
}

export interface MemorySlideOptions {
  path?: string;
  mpp?: Mpp;
  objectivePower?: number;
  /** Integer downsample factors of the levels after level 0. */
  downsamples?: number[];
}

/** An in-memory pyramid with OpenSlide read semantics, as a test fixture for code that consumes `Slide`. */
export function memorySlide(base: RgbaImage, options: MemorySlideOptions = {}): Slide {
  const { path = "/memory/slide.svs", mpp, objectivePower, downsamples = [] } = options;
  const images = [base, ...downsamples.map((f) => boxDownsample(base, f))];
  const levels: LevelInfo[] = images.map((im, i) => ({
    width: im.width,
    height: im.height,
    downsample: i === 0 ? 1 : (base.width / im.width + base.height / im.height) / 2,
    tileWidth: 256,
    tileHeight: 256,
  }));
  return {
    path,
    vendor: "generic-tiff",
    levels,
    mpp,
    objectivePower,
    properties: {},
    associatedImageNames: [],
    readAssociatedImage: async (name) => {
      throw new Error(`no associated image ${name}`);
    },
    readRegion: async (r: RegionRequest) => {
      const im = images[r.level]!;
      const ds = levels[r.level]!.downsample;
      const x0 = Math.floor(r.x / ds);
      const y0 = Math.floor(r.y / ds);
      const data = new Uint8Array(r.width * r.height * 4);
      for (let j = 0; j < r.height; j++)
        for (let i = 0; i < r.width; i++) {
          const sx = x0 + i;
          const sy = y0 + j;
          if (sx < 0 || sy < 0 || sx >= im.width || sy >= im.height) continue;
          data.set(im.data.subarray((sy * im.width + sx) * 4, (sy * im.width + sx) * 4 + 4), (j * r.width + i) * 4);
        }
      return { width: r.width, height: r.height, data };
    },
    thumbnail: async ({ maxSize = 1024 } = {}) => {
      const { data, info } = await sharp(Buffer.from(base.data), { raw: { width: base.width, height: base.height, channels: 4 } })
        .resize(maxSize, maxSize, { fit: "inside", withoutEnlargement: true })
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, data: new Uint8Array(data) };
    },
    close: async () => {},
  };
}

/** A physical H&E-like pattern: tissue inside an ellipse, texture with ~8–40 µm features; RGBA at `mpp` µm/px over `widthUm` × `heightUm`. */
export function physicalTissue(widthUm: number, heightUm: number, mpp: number): { image: RgbaImage; tissueAt: (xUm: number, yUm: number) => boolean } {
  const width = Math.round(widthUm / mpp);
  const height = Math.round(heightUm / mpp);
  const tissueAt = (xu: number, yu: number): boolean => ((xu - widthUm * 0.5) / (widthUm * 0.38)) ** 2 + ((yu - heightUm * 0.5) / (heightUm * 0.34)) ** 2 <= 1;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const xu = (x + 0.5) * mpp;
      const yu = (y + 0.5) * mpp;
      const p = (y * width + x) * 4;
      data[p + 3] = 255;
      if (!tissueAt(xu, yu)) {
        data[p] = 246;
        data[p + 1] = 245;
        data[p + 2] = 247;
        continue;
      }
      const t = 0.5 + 0.25 * Math.sin(xu / 6.1 + Math.sin(yu / 23)) + 0.25 * Math.sin(yu / 4.3 + xu / 37);
      const nuc = Math.sin(xu / 3.3) * Math.sin(yu / 2.9) > 0.6 ? 1 : 0;
      data[p] = Math.round(230 - 60 * t - 80 * nuc);
      data[p + 1] = Math.round(150 - 70 * t - 60 * nuc);
      data[p + 2] = Math.round(200 - 40 * t - 30 * nuc);
    }
  return { image: { width, height, data }, tissueAt };
}

/** A mask of `width` × `height` pixels over a slide of `widthUm` × `heightUm`, sampled from `tissueAt` at pixel centres. */
export function physicalMask(widthUm: number, heightUm: number, width: number, height: number, tissueAt: (xu: number, yu: number) => boolean) {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = tissueAt(((x + 0.5) * widthUm) / width, ((y + 0.5) * heightUm) / height) ? 1 : 0;
  return { width, height, downsample: 1, data };
}
