import sharp from "sharp";
import { WsiError } from "../errors";
import type { FileSource } from "../io/file-source";
import type { SlideLayout, TileSource } from "../formats/types";
import { formatG17, formatShortest } from "../formats/format-number";
import type { LevelInfo, Mpp, OpenSlideOptions, RegionRequest, RgbaImage, Slide, Vendor } from "../types";
import { DecodePool } from "../worker-pool";
import { type FetchedTile, type FetchOptions, readRegionPixels } from "./read-region";
import { TileCache } from "./tile-cache";
import { RegionTiles } from "./region-tiles";
import { bestLevelForDownsample, thumbnailSize } from "./thumbnail-size";

const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;
const DEFAULT_READ_AHEAD_TILES = 32;
/** Largest region one call may request (pixels), so a bad request cannot exhaust memory. */
const MAX_REGION_PIXELS = 2 ** 28;

/** A {@link Slide} over a parsed layout: OpenSlide properties, tile cache, region reads. */
export class LayoutSlide implements Slide {
  readonly path: string;
  readonly vendor: Vendor;
  readonly levels: readonly LevelInfo[];
  readonly mpp: Mpp | undefined;
  readonly objectivePower: number | undefined;
  readonly properties: Readonly<Record<string, string>>;
  readonly associatedImageNames: readonly string[];
  private readonly layout: SlideLayout;
  private readonly source: FileSource;
  private readonly pool: DecodePool | undefined;
  private readonly tiles: RegionTiles;
  private closed = false;

  constructor(source: FileSource, layout: SlideLayout, options: OpenSlideOptions = {}) {
    const { cacheBytes = DEFAULT_CACHE_BYTES, workers = 0, readAheadTiles = DEFAULT_READ_AHEAD_TILES } = options;
    this.pool = workers > 0 ? new DecodePool(workers) : undefined;
    this.source = source;
    this.path = source.path;
    this.layout = layout;
    this.vendor = layout.vendor;
    this.mpp = layout.mpp;
    this.objectivePower = layout.objectivePower;
    this.tiles = new RegionTiles(new TileCache(cacheBytes), this.pool, readAheadTiles, this.path);
    const l0 = layout.levels[0];
    if (l0 === undefined) throw new WsiError("CORRUPT", this.path, "slide has no pyramid level");
    this.levels = layout.levels.map((l) => ({
      width: l.width,
      height: l.height,
      downsample: (l0.width / l.width + l0.height / l.height) / 2,
      tileWidth: l.tileWidth,
      tileHeight: l.tileHeight,
    }));
    this.associatedImageNames = [...layout.associated.keys()].sort();
    this.properties = Object.freeze(this.buildProperties());
  }

  private buildProperties(): Record<string, string> {
    const p: Record<string, string> = { ...this.layout.properties };
    p["openslide.vendor"] = this.vendor;
    p["openslide.level-count"] = String(this.levels.length);
    this.levels.forEach((l, i) => {
      p[`openslide.level[${i}].width`] = String(l.width);
      p[`openslide.level[${i}].height`] = String(l.height);
      p[`openslide.level[${i}].downsample`] = formatG17(l.downsample);
      p[`openslide.level[${i}].tile-width`] = String(l.tileWidth);
      p[`openslide.level[${i}].tile-height`] = String(l.tileHeight);
    });
    if (this.mpp !== undefined) {
      const format = this.layout.mppFormat ?? formatShortest;
      p["openslide.mpp-x"] = format(this.mpp.x);
      p["openslide.mpp-y"] = format(this.mpp.y);
    }
    if (this.objectivePower !== undefined) p["openslide.objective-power"] = formatShortest(this.objectivePower);
    return Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private check(signal?: AbortSignal): void {
    if (this.closed) throw new WsiError("CLOSED", this.path, "slide is closed");
    if (signal?.aborted) throw new WsiError("ABORTED", this.path, "read aborted", { cause: signal.reason });
  }

  async readRegion(request: RegionRequest): Promise<RgbaImage> {
    const { x, y, level, width, height, signal, into } = request;
    this.check(signal);
    const info = this.levels[level];
    const source = this.layout.levels[level];
    if (info === undefined || source === undefined || !Number.isInteger(level)) {
      throw new WsiError("BAD_REQUEST", this.path, `level ${level} does not exist (slide has ${this.levels.length})`);
    }
    if (![x, y, width, height].every(Number.isSafeInteger) || width < 0 || height < 0 || width * height > MAX_REGION_PIXELS) {
      throw new WsiError("BAD_REQUEST", this.path, `region x=${x} y=${y} ${width}x${height} must be integers with 0 ≤ size and at most ${MAX_REGION_PIXELS} pixels`);
    }
    const bytes = width * height * 4;
    if (into !== undefined && !(into instanceof Uint8Array && into.length >= bytes)) {
      throw new WsiError("BAD_REQUEST", this.path, `into must be a Uint8Array of at least ${bytes} bytes (${width}x${height} RGBA), got ${into instanceof Uint8Array ? `${into.length} bytes` : typeof into}`);
    }
    const out = into === undefined || into.length === bytes ? into : into.subarray(0, bytes);
    const fetch = (indices: number[], options?: FetchOptions) => this.fetchTiles(level, source, indices, signal, options);
    const data = await readRegionPixels(source, info.downsample, fetch, x, y, width, height, out);
    this.check(signal);
    return { width, height, data };
  }

  private fetchTiles(level: number, source: TileSource, indices: number[], signal?: AbortSignal, options?: FetchOptions): Promise<FetchedTile>[] {
    try {
      this.check(signal);
    } catch (err) {
      return indices.map(() => Promise.reject(err));
    }
    return this.tiles.fetch(level, source, indices, signal, options);
  }

  async readAssociatedImage(name: string): Promise<RgbaImage> {
    this.check();
    const a = this.layout.associated.get(name);
    if (a === undefined) {
      throw new WsiError("BAD_REQUEST", this.path, `no associated image "${name}" (has: ${this.associatedImageNames.join(", ") || "none"})`);
    }
    return a.read();
  }

  async thumbnail(options: { maxSize?: number; signal?: AbortSignal } = {}): Promise<RgbaImage> {
    const { maxSize = 1024, signal } = options;
    const l0 = this.levels[0] as LevelInfo;
    const ds = Math.max(l0.width / maxSize, l0.height / maxSize);
    const level = bestLevelForDownsample(this.levels.map((l) => l.downsample), ds);
    const info = this.levels[level] as LevelInfo;
    const region = await this.readRegion({ x: 0, y: 0, level, width: info.width, height: info.height, signal });
    const size = thumbnailSize(info.width, info.height, maxSize);
    if (size.width === info.width && size.height === info.height) return region;
    const data = await sharp(region.data, { raw: { width: info.width, height: info.height, channels: 4 }, limitInputPixels: false })
      .resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" })
      .raw()
      .toBuffer();
    return { width: size.width, height: size.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // let read-ahead decodes finish before the file and the workers go away
    await this.tiles.close();
    try {
      await this.pool?.close();
      await this.layout.close?.();
    } finally {
      await this.source.close();
    }
  }
}
