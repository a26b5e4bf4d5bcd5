import sharp from "sharp";
import { basicTags, cutTiles, type ImageSpec, type TagSpec, testPicture } from "./tiff-builder";

/** Half-size box downsample of interleaved 8-bit samples (for building pyramid test files). */
export function halve(data: Uint8Array, width: number, height: number, channels: number): { data: Uint8Array; width: number; height: number } {
  const w = Math.max(1, width >> 1);
  const h = Math.max(1, height >> 1);
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const p = (a: number, b: number) => data[((Math.min(a, height - 1)) * width + Math.min(b, width - 1)) * channels + c] as number;
        out[(y * w + x) * channels + c] = (p(2 * y, 2 * x) + p(2 * y, 2 * x + 1) + p(2 * y + 1, 2 * x) + p(2 * y + 1, 2 * x + 1) + 2) >> 2;
      }
    }
  }
  return { data: out, width: w, height: h };
}

/** Options of a lossless pyramid test file. */
export interface LosslessPyramid {
  width: number;
  height: number;
  levels: number;
  tile: number;
  compression: number;
  encode: (chunk: Uint8Array) => Uint8Array;
  predictor?: number;
  channels?: number;
  extraTags?: (level: number) => TagSpec[];
}

/** Tiled pyramid images (largest first) with the given compression; each level halves the previous. */
export function losslessPyramid(o: LosslessPyramid, applyPred?: (d: Uint8Array, w: number, h: number, c: number) => Uint8Array): ImageSpec[] {
  const channels = o.channels ?? 3;
  let level = { data: testPicture(o.width, o.height, channels), width: o.width, height: o.height };
  const images: ImageSpec[] = [];
  for (let i = 0; i < o.levels; i++) {
    const tiles = cutTiles(level.data, level.width, level.height, channels, o.tile, o.tile)
      .map((t) => (o.predictor === 2 && applyPred ? applyPred(t, o.tile, o.tile, channels) : t))
      .map(o.encode);
    images.push({
      tiled: true,
      chunks: tiles,
      tags: [
        ...basicTags({ width: level.width, height: level.height, spp: channels, compression: o.compression, tile: [o.tile, o.tile], predictor: o.predictor, subfile: i === 0 ? undefined : 1 }),
        ...(o.extraTags?.(i) ?? []),
      ],
    });
    level = halve(level.data, level.width, level.height, channels);
  }
  return images;
}

/** Encodes an interleaved RGB raster as one complete (JFIF, YCbCr) JPEG with sharp. */
export async function jpegOf(data: Uint8Array, width: number, height: number, quality = 85, subsampling = "4:2:0"): Promise<Uint8Array> {
  const buf = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality, chromaSubsampling: subsampling, optimiseCoding: false })
    .toBuffer();
  return new Uint8Array(buf);
}
