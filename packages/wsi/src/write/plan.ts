import { WsiError } from "../errors";
import { tileEncoders, type EncodeSettings, type TileEncoder } from "./tile-encoders";
import type { RasterImage, SlideSource, WriteSlideOptions } from "./types";

/** Options with every default applied and the codec looked up. */
export type ResolvedWriteOptions = Required<Omit<WriteSlideOptions, "label" | "macro" | "onProgress" | "signal" | "quality" | "chromaSubsampling">> &
  Pick<WriteSlideOptions, "label" | "macro" | "onProgress" | "signal"> & {
    encoder: TileEncoder;
    settings: EncodeSettings;
    mpp: { x: number; y: number } | undefined;
  };

function checkImage(path: string, name: string, image: RasterImage | undefined): void {
  if (!image) return;
  const ch = image.channels ?? 3;
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * ch) {
    throw new WsiError("BAD_REQUEST", path, `${name} image must be ${image.width}x${image.height}x${ch} bytes, got ${image.data.length}`);
  }
}

/** Applies defaults and validates options; throws `WsiError` (BAD_REQUEST) naming the output file. */
export function resolveOptions(path: string, source: SlideSource, options: WriteSlideOptions): ResolvedWriteOptions {
  const {
    format = "svs",
    compression = "jpeg",
    quality = 90,
    chromaSubsampling = "4:4:4",
    tileSize = 256,
    levelDownsample = format === "svs" ? 4 : 2,
    minLevelSize = 512,
    bigTiff = "auto",
    thumbnailMaxSize = 1024,
    aperioProperties = {},
    description = "",
  } = options;
  const bad = (what: string) => new WsiError("BAD_REQUEST", path, what);
  if (!Number.isInteger(source.width) || !Number.isInteger(source.height) || source.width < 1 || source.height < 1) {
    throw bad(`source size must be positive integers, got ${source.width}x${source.height}`);
  }
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0) throw bad(`tileSize must be a positive multiple of 16, got ${tileSize}`);
  if (levelDownsample !== 2 && levelDownsample !== 4) throw bad(`levelDownsample must be 2 or 4, got ${String(levelDownsample)}`);
  if (!(quality >= 1 && quality <= 100)) throw bad(`quality must be in 1..100, got ${quality}`);
  const encoder = tileEncoders.get(compression);
  if (!encoder) throw bad(`unknown compression "${compression}", expected one of ${[...tileEncoders.keys()].join(", ")}`);
  const mpp = typeof source.mpp === "number" ? { x: source.mpp, y: source.mpp } : source.mpp;
  if (mpp && !(mpp.x > 0 && mpp.y > 0)) throw bad(`mpp must be positive, got ${mpp.x}x${mpp.y}`);
  checkImage(path, "label", options.label);
  checkImage(path, "macro", options.macro);
  return {
    format,
    compression,
    tileSize,
    levelDownsample,
    minLevelSize,
    bigTiff,
    thumbnailMaxSize,
    aperioProperties,
    description,
    label: options.label,
    macro: options.macro,
    onProgress: options.onProgress,
    signal: options.signal,
    encoder,
    settings: { quality: Math.round(quality), chromaSubsampling },
    mpp,
  };
}

/** Pyramid dimensions (ceil division per level) and which level feeds the thumbnail. */
export function planLevels(width: number, height: number, opts: Pick<ResolvedWriteOptions, "levelDownsample" | "minLevelSize" | "thumbnailMaxSize">) {
  const dims = [{ width, height }];
  for (;;) {
    const last = dims[dims.length - 1] as { width: number; height: number };
    if (Math.max(last.width, last.height) <= opts.minLevelSize || (last.width === 1 && last.height === 1)) break;
    dims.push({ width: Math.ceil(last.width / opts.levelDownsample), height: Math.ceil(last.height / opts.levelDownsample) });
  }
  let thumbnailLevel = -1;
  if (opts.thumbnailMaxSize > 0) {
    thumbnailLevel = 0;
    dims.forEach((d, k) => {
      if (Math.max(d.width, d.height) >= opts.thumbnailMaxSize) thumbnailLevel = k;
    });
  }
  return { dims, thumbnailLevel };
}
