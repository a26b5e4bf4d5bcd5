import { randomBytes } from "node:crypto";
import { rename, unlink } from "node:fs/promises";
import sharp from "sharp";
import { WsiError } from "../errors";
import { aperioAssociatedDescription, aperioLevel0Description, aperioReducedDescription, type AperioInfo } from "./aperio-description";
import { toRgb } from "./downsample";
import { FileSink } from "./file-sink";
import { encodeHeader, encodeIfdChain, ifdByteSize, type IfdEntry } from "./ifd-encode";
import { strippedEntries, tiledEntries, type ImageDirectory } from "./ifd-entries";
import { LevelWriter, type WriteContext } from "./level-writer";
import { planLevels, resolveOptions } from "./plan";
import type { RasterImage, SlideSource, WriteSlideOptions, WriteSlideResult } from "./types";

interface Associated {
  name: "thumbnail" | "label" | "macro";
  width: number;
  height: number;
  offset: number;
  byteCount: number;
}

const CLASSIC_LIMIT = 2 ** 32 - 1;

/**
 * Writes a tiled pyramidal TIFF (generic) or Aperio-style SVS from a source that supplies level-0
 * pixels region by region; reduced levels are box-filtered from strips of the level above, so memory
 * stays bounded by a few strips per level. The file appears atomically (temporary file + rename).
 * BigTIFF is used when offsets would exceed 4 GiB (or when forced).
 */
export async function writeSlide(path: string, source: SlideSource, options: WriteSlideOptions = {}): Promise<WriteSlideResult> {
  const opts = resolveOptions(path, source, options);
  const plan = planLevels(source.width, source.height, opts);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  let sink: FileSink | undefined;
  try {
    // Codec state shared by every image of the file (JPEG: the tables all tiles share).
    if (opts.encoder.prepare) opts.settings = await opts.encoder.prepare(opts.settings);
    sink = await FileSink.create(tmp, 16);
    const ctx: WriteContext = { sink, encoder: opts.encoder, settings: opts.settings, tileSize: opts.tileSize, queue: Promise.resolve(), uniform: new Map() };
    const writers: LevelWriter[] = [];
    for (let k = plan.dims.length - 1; k >= 0; k--) {
      const d = plan.dims[k] as { width: number; height: number };
      const next = writers[0] ? { writer: writers[0], factor: opts.levelDownsample } : undefined;
      writers.unshift(new LevelWriter(d.width, d.height, ctx, next, k === plan.thumbnailLevel));
    }
    await streamLevel0(path, source, writers[0] as LevelWriter, ctx, opts);
    await ctx.queue;
    const associated = await writeAssociated(sink, writers, plan.thumbnailLevel, opts);
    const ifdsFor = (big: boolean) => buildIfds(writers, associated, source, opts, big);
    if (sink.position & 1) await sink.append(new Uint8Array(1));
    let big = opts.bigTiff === true;
    if (!big) {
      const end = sink.position + ifdsFor(false).reduce((n, ifd) => n + ifdByteSize(ifd, false), 0);
      if (end > CLASSIC_LIMIT) {
        if (opts.bigTiff === false) throw new WsiError("WRITE_FAILED", path, `file would be ${end} bytes, over 4 GiB, and bigTiff is false`);
        big = true;
      }
    }
    const ifdStart = sink.position;
    await sink.append(encodeIfdChain(ifdsFor(big), ifdStart, big));
    const bytes = sink.position;
    await sink.writeAt(encodeHeader(ifdStart, big), 0);
    await sink.close();
    sink = undefined;
    await rename(tmp, path);
    return {
      path,
      bytes,
      bigTiff: big,
      // Downsample as OpenSlide computes it: the mean of the x and y ratios.
      levels: writers.map((w) => ({ width: w.width, height: w.height, downsample: (source.width / w.width + source.height / w.height) / 2 })),
      associatedImages: associated.map((a) => a.name).sort(),
    };
  } catch (error) {
    await sink?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (error instanceof WsiError) throw error;
    throw new WsiError("WRITE_FAILED", path, `could not write slide: ${(error as Error).message}`, { cause: error });
  }
}

async function streamLevel0(path: string, source: SlideSource, level0: LevelWriter, ctx: WriteContext, opts: ReturnType<typeof resolveOptions>): Promise<void> {
  const { width, height } = source;
  const channels = source.channels ?? 3;
  const tails: Promise<void>[] = [];
  for (let y = 0; y < height; y += opts.tileSize) {
    if (opts.signal?.aborted) throw new WsiError("ABORTED", path, "write aborted");
    const rows = Math.min(opts.tileSize, height - y);
    const data = await source.readRegion(0, y, width, rows);
    if (data.length !== width * rows * channels) {
      throw new WsiError("BAD_REQUEST", path, `source.readRegion(0, ${y}, ${width}, ${rows}) returned ${data.length} bytes, expected ${width * rows * channels}`);
    }
    level0.push(toRgb(data, width * rows, channels), rows);
    tails.push(ctx.queue);
    // Keep at most two strips of encoded-but-unwritten tiles in flight.
    if (tails.length > 2) await tails.shift();
    opts.onProgress?.({ rowsDone: y + rows, rowsTotal: height });
  }
}

async function writeAssociated(sink: FileSink, writers: LevelWriter[], thumbLevel: number, opts: ReturnType<typeof resolveOptions>): Promise<Associated[]> {
  const images: { name: Associated["name"]; image: RasterImage }[] = [];
  const base = writers[thumbLevel];
  if (opts.thumbnailMaxSize > 0 && base?.whole) {
    const { data, info } = await sharp(base.whole, { raw: { width: base.width, height: base.height, channels: 3 } })
      .resize({ width: opts.thumbnailMaxSize, height: opts.thumbnailMaxSize, fit: "inside", withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    images.push({ name: "thumbnail", image: { width: info.width, height: info.height, data } });
  }
  if (opts.label) images.push({ name: "label", image: opts.label });
  if (opts.macro) images.push({ name: "macro", image: opts.macro });
  const out: Associated[] = [];
  for (const { name, image } of images) {
    const rgb = toRgb(image.data, image.width * image.height, image.channels ?? 3);
    const encoded = await opts.encoder.encode(rgb, image.width, image.height, opts.settings);
    const offset = await sink.append(encoded);
    out.push({ name, width: image.width, height: image.height, offset, byteCount: encoded.length });
  }
  return out;
}

function buildIfds(writers: LevelWriter[], associated: Associated[], source: SlideSource, opts: ReturnType<typeof resolveOptions>, big: boolean): IfdEntry[][] {
  const info: AperioInfo = {
    width: source.width,
    height: source.height,
    tileSize: opts.tileSize,
    compressionLabel: ({ jpeg: "JPEG/RGB", deflate: "Deflate/RGB", none: "RAW/RGB" } as Record<string, string>)[opts.compression] ?? opts.compression,
    quality: opts.settings.quality,
    mpp: opts.mpp?.x,
    objectivePower: source.objectivePower,
    extra: opts.aperioProperties,
  };
  const svs = opts.format === "svs";
  const levelIfd = (w: LevelWriter, k: number): IfdEntry[] => {
    const ds = source.width / w.width;
    const description = svs ? (k === 0 ? aperioLevel0Description(info) : aperioReducedDescription(info, w.width, w.height)) : k === 0 ? opts.description : undefined;
    const mpp = opts.mpp ? { x: opts.mpp.x * ds, y: opts.mpp.y * (source.height / w.height) } : undefined;
    const img: ImageDirectory = { width: w.width, height: w.height, subfileType: k === 0 ? 0 : 1, description, mpp };
    return tiledEntries(img, opts.tileSize, w.offsets, w.byteCounts, opts.encoder, opts.settings, big);
  };
  const assocIfd = (a: Associated): IfdEntry[] => {
    const description = !svs ? undefined : a.name === "thumbnail" ? aperioReducedDescription(info, a.width, a.height) : aperioAssociatedDescription(a.name, a.width, a.height);
    const subfileType = a.name === "thumbnail" ? 0 : a.name === "label" ? 1 : 9;
    const img: ImageDirectory = { width: a.width, height: a.height, subfileType, description, mpp: undefined };
    return strippedEntries(img, a.offset, a.byteCount, opts.encoder, opts.settings, big);
  };
  const levels = writers.map(levelIfd);
  const thumb = associated.filter((a) => a.name === "thumbnail").map(assocIfd);
  const others = associated.filter((a) => a.name !== "thumbnail").map(assocIfd);
  // Aperio layout: level 0, thumbnail, reduced levels, label, macro.
  return svs ? [levels[0] as IfdEntry[], ...thumb, ...levels.slice(1), ...others] : [...levels, ...thumb, ...others];
}
