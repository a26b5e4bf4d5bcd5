import sharp from "sharp";
import { WsiError } from "../errors";
import type { FileSource } from "../io/file-source";
import type { SlideLayout, TileSource, WindowTarget } from "../formats/types";
import { formatG17, formatShortest } from "../formats/format-number";
import type { LevelInfo, Mpp, OpenSlideOptions, RegionRequest, RgbaImage, Slide, Vendor } from "../types";
import { DecodePool } from "../worker-pool";
import { ReadAhead } from "./read-ahead";
import { readRegionPixels } from "./read-region";
import { TileCache } from "./tile-cache";
import { bestLevelForDownsample, thumbnailSize } from "./thumbnail-size";

const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;
const DEFAULT_READ_AHEAD_TILES = 32;
/** Fewest tiles worth a batch of their own when a read-ahead run is split. */
const MIN_BATCH = 8;
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
  private readonly cache: TileCache;
  /** Tiles (`level/index`) of which only a part was decoded (for regions that covered only that part), and how many times. */
  private readonly readInPart = new Map<string, number>();
  private readonly pool: DecodePool | undefined;
  private readonly readAhead = new ReadAhead();
  private readonly readAheadTiles: number;
  /** Read-ahead decodes still running (awaited by close). */
  private readonly prefetching = new Set<Promise<unknown>>();
  private closed = false;

  constructor(source: FileSource, layout: SlideLayout, options: OpenSlideOptions = {}) {
    const { cacheBytes = DEFAULT_CACHE_BYTES, workers = 0, readAheadTiles = DEFAULT_READ_AHEAD_TILES } = options;
    this.readAheadTiles = readAheadTiles;
    this.pool = workers > 0 ? new DecodePool(workers) : undefined;
    this.source = source;
    this.path = source.path;
    this.layout = layout;
    this.vendor = layout.vendor;
    this.mpp = layout.mpp;
    this.objectivePower = layout.objectivePower;
    this.cache = new TileCache(cacheBytes);
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
    const { x, y, level, width, height, signal } = request;
    this.check(signal);
    const info = this.levels[level];
    const source = this.layout.levels[level];
    if (info === undefined || source === undefined || !Number.isInteger(level)) {
      throw new WsiError("BAD_REQUEST", this.path, `level ${level} does not exist (slide has ${this.levels.length})`);
    }
    if (![x, y, width, height].every(Number.isSafeInteger) || width < 0 || height < 0 || width * height > MAX_REGION_PIXELS) {
      throw new WsiError("BAD_REQUEST", this.path, `region x=${x} y=${y} ${width}x${height} must be integers with 0 ≤ size and at most ${MAX_REGION_PIXELS} pixels`);
    }
    const fetch = (indices: number[], targets?: WindowTarget[]) => this.fetchTiles(level, source, indices, signal, targets);
    const data = await readRegionPixels(source, info.downsample, fetch, x, y, width, height);
    this.check(signal);
    return { width, height, data };
  }

  private fetchTiles(level: number, source: TileSource, indices: number[], signal?: AbortSignal, targets?: WindowTarget[]): Promise<Uint8Array | "painted" | undefined>[] {
    try {
      this.check(signal);
    } catch (err) {
      return indices.map(() => Promise.reject(err));
    }
    const out: Promise<Uint8Array | "painted" | undefined>[] = new Array(indices.length);
    const ahead = this.planReadAhead(level, source, indices);
    const whole: number[] = [];
    const windows: number[] = [];
    // a scan will read the rest of its tiles next: decode them whole (cached) rather than in part
    const scanning = this.readAhead.scanning;
    indices.forEach((index, k) => (!scanning && this.decodeWindow(level, source, index, targets?.[k]) ? windows : whole).push(k));
    if (windows.length > 0) {
      const readWindows = source.readTileWindows as NonNullable<TileSource["readTileWindows"]>;
      readWindows(windows.map((k) => indices[k] as number), windows.map((k) => targets?.[k] as WindowTarget)).forEach((painted, j) => {
        const p = painted.then((ok) => (ok ? "painted" as const : undefined));
        out[windows[j] as number] = signal === undefined ? p : raceAbort(p, signal, this.path);
      });
    }
    if (whole.length > 0) {
      const wanted = whole.map((k) => indices[k] as number);
      const load = (positions: number[]) => this.loadTiles(source, positions.map((p) => wanted[p] as number)).map((t) => t.then((tile) => tile ?? null));
      // Decodes are shared by concurrent readers, so one reader's abort must not cancel them: race instead.
      this.cache.getMany(wanted.map((i) => `${level}/${i}`), load).forEach((shared, j) => {
        out[whole[j] as number] = (async () => {
          const tile = signal === undefined ? await shared : await raceAbort(shared, signal, this.path);
          return tile ?? undefined;
        })();
      });
    }
    // after this read's own tiles, so that they are decoded first
    this.prefetch(level, source, ahead);
    return out;
  }

  /**
   * Whether to decode only the part of a tile a region covers, straight into the region (not cached),
   * rather than the whole tile (cached). Whole: when the tile is cached or being decoded, when most of
   * it is wanted, and when the tile was read in part twice before (a tile read three times is likely
   * read again: this is what keeps small slides read at random positions in the cache; decoding a tile
   * whole costs about 1.7 partial decodes).
   */
  private decodeWindow(level: number, source: TileSource, index: number, target: WindowTarget | undefined): boolean {
    if (target === undefined || source.readTileWindows === undefined) return false;
    const key = `${level}/${index}`;
    if (this.cache.lookup(key) !== undefined) return false;
    if (target.rect.width * target.rect.height >= WHOLE_TILE_FRACTION * source.tileWidth * source.tileHeight) return false;
    const times = this.readInPart.get(key) ?? 0;
    if (times >= PARTIAL_READS_BEFORE_WHOLE) {
      this.readInPart.delete(key);
      return false;
    }
    if (this.readInPart.size >= MAX_READ_IN_PART) this.readInPart.clear(); // bounded: only recent reads matter
    this.readInPart.set(key, times + 1);
    return true;
  }

  /** Decodes tiles of one level, several per call when the source can; one promise per tile. */
  private loadTiles(source: TileSource, wanted: number[]): Promise<Uint8Array | undefined>[] {
    const pool = this.pool;
    if (wanted.length > 1 && source.readTilesEach !== undefined) return source.readTilesEach(wanted, { pool });
    if (wanted.length > 1 && source.readTiles !== undefined) {
      const all = source.readTiles(wanted, { pool });
      return wanted.map((_, k) => all.then((tiles) => tiles[k]));
    }
    return wanted.map((i) => source.readTile(i, { pool }));
  }

  /**
   * Starts decoding, in the background and a few batched calls, the tiles ahead of a sequential scan (see
   * ReadAhead). A tile that fails is left uncached, so its error surfaces only if it is read itself.
   */
  private prefetch(level: number, source: TileSource, run0: number[]): void {
    // in two batches: the first half is ready sooner, and a second libuv thread (if any) decodes the other
    const half = Math.max(MIN_BATCH, Math.ceil(run0.length / 2));
    for (let k = 0; k < run0.length; k += half) this.prefetchBatch(level, source, run0.slice(k, k + half));
  }

  /** Records a read of `indices` with the read-ahead detector; returns the tiles to decode ahead of it. */
  private planReadAhead(level: number, source: TileSource, indices: number[]): number[] {
    const tileBytes = source.tileWidth * source.tileHeight * 4;
    // a run must not push out of the cache the tiles it was read ahead for
    const run = Math.min(this.readAheadTiles, Math.floor(this.cache.maxBytes / 4 / tileBytes));
    return this.readAhead.next(level, source.tilesAcross, indices, run);
  }

  /** One batch of {@link prefetch}: a tile that fails is left uncached. */
  private prefetchBatch(level: number, source: TileSource, ahead: number[]): void {
    // The batch settles as a whole: concurrent readers of one scan then wait for the same batches and
    // stay in step, which keeps their reads in the order ReadAhead recognises as a scan.
    const loadAhead = (positions: number[]): Promise<(Uint8Array | null | Error)[]> => {
      const wanted = positions.map((p) => ahead[p] as number);
      // a tile whose batch failed is decoded alone, so only a bad tile itself fails (and stays uncached)
      return Promise.all(this.loadTiles(source, wanted).map((t, j) => t.then(
        (tile) => tile ?? null,
        () => source.readTile(wanted[j] as number, { pool: this.pool }).then(
          (tile) => tile ?? null,
          (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
        ),
      )));
    };
    const done = Promise.allSettled(this.cache.getMany(ahead.map((i) => `${level}/${i}`), loadAhead));
    this.prefetching.add(done);
    void done.then(() => this.prefetching.delete(done));
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
    this.readAhead.clear();
    this.readInPart.clear();
    // let read-ahead decodes finish before the file and the workers go away
    await Promise.all(this.prefetching);
    this.cache.clear();
    try {
      await this.pool?.close();
      await this.layout.close?.();
    } finally {
      await this.source.close();
    }
  }
}

/** A tile at least this much of which a region covers is decoded whole (and cached for its neighbours). */
const WHOLE_TILE_FRACTION = 0.75;
/** Partial decodes of a tile after which the next read decodes it whole. */
const PARTIAL_READS_BEFORE_WHOLE = 2;
/** Tiles remembered as read in part. */
const MAX_READ_IN_PART = 65536;

/** Resolves like `p`, or rejects with `ABORTED` as soon as `signal` aborts. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal, path: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new WsiError("ABORTED", path, "read aborted", { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new WsiError("ABORTED", path, "read aborted", { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener("abort", onAbort); reject(e); },
    );
  });
}
