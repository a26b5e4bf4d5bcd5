import { WsiError } from "../errors";
import type { TileSource, WindowTarget } from "../formats/types";
import type { DecodePool } from "../worker-pool";
import { ReadAhead } from "./read-ahead";
import type { FetchedTile, FetchOptions } from "./read-region";
import type { ReadArea } from "./read-ahead";
import type { TileCache } from "./tile-cache";

/**
 * Decoded tiles for a slide's region reads: whole tiles through the LRU cache (shared by concurrent
 * readers), windows of tiles decoded straight into a region when a read covers only part of them, and
 * read-ahead of the tiles a left-to-right scan will want next.
 */
export class RegionTiles {
  /** Tiles (`level/index`) of which only a part was decoded (for regions that covered only that part), and how many times. */
  private readonly readInPart = new Map<string, number>();
  private readonly readAhead = new ReadAhead();
  /** Read-ahead decodes still running (awaited by close). */
  private readonly prefetching = new Set<Promise<unknown>>();

  /**
   * @param cache decoded whole tiles, keyed `level/index`
   * @param pool decode workers (undefined: decode on libuv threads from the main thread)
   * @param readAheadTiles longest read-ahead run in tiles (below 2: none)
   * @param path the slide, for error messages
   */
  constructor(
    private readonly cache: TileCache,
    private readonly pool: DecodePool | undefined,
    private readonly readAheadTiles: number,
    private readonly path: string,
  ) {}

  /**
   * Starts fetching tiles `indices` of `level` for one region read (the `TileFetcher` of
   * read-region.ts): whole tiles through the cache, or windows decoded straight into the region
   * (`targets`), or for a read of exactly one tile (`exactTile`) that tile handed over when it was read
   * ahead, and the tiles ahead of a scan (as far as it can reach from `area`) in the background.
   */
  fetch(level: number, source: TileSource, indices: number[], signal?: AbortSignal, options: FetchOptions = {}): Promise<FetchedTile>[] {
    const { targets, exactTile = false, area } = options;
    const ahead = this.planReadAhead(level, source, indices, area);
    const out = exactTile && indices.length === 1
      ? [this.handOver(level, source, indices[0] as number, signal)]
      : this.fetchTiles(level, source, indices, signal, targets);
    // after this read's own tiles, so that they are decoded first
    this.prefetch(level, source, ahead);
    return out;
  }

  /**
   * Tile `index` for a read of exactly that tile. A tile decoded ahead of a scan that no reader has
   * been given yet is taken out of the cache and handed over (the read returns its buffer, no copy):
   * a scan of tile-aligned regions reads each tile once. Otherwise the tile is fetched as usual.
   */
  private handOver(level: number, source: TileSource, index: number, signal?: AbortSignal): Promise<FetchedTile> {
    const key = `${level}/${index}`;
    const take = (): FetchedTile | undefined => {
      const owned = this.cache.take(key);
      return owned === undefined ? undefined : { owned };
    };
    const now = take();
    if (now !== undefined) return Promise.resolve(now);
    const loading = this.cache.loaded(key);
    if (loading === undefined) return this.fetchTiles(level, source, [index], signal)[0] as Promise<FetchedTile>;
    const p = loading.then(() => take() ?? (this.fetchTiles(level, source, [index], signal)[0] as Promise<FetchedTile>));
    return signal === undefined ? p : raceAbort(p, signal, this.path);
  }

  /** Whole tiles through the cache, or windows decoded straight into the region (see {@link fetch}). */
  private fetchTiles(level: number, source: TileSource, indices: number[], signal?: AbortSignal, targets?: WindowTarget[]): Promise<FetchedTile>[] {
    const out: Promise<FetchedTile>[] = new Array(indices.length);
    const whole: number[] = [];
    const windows: number[] = [];
    // a scan will read the rest of its tiles next: decode them whole (cached) rather than in part
    const scanning = this.readAhead.scanning;
    indices.forEach((index, k) => (!scanning && this.decodeWindow(level, source, index, targets?.[k]) ? windows : whole).push(k));
    if (windows.length > 0) {
      const readWindows = source.readTileWindows as NonNullable<TileSource["readTileWindows"]>;
      // (not raced against an abort: a window is the region's own and short, and is written into the
      // region's buffer, which may be the caller's, so the read settles only after it)
      readWindows(windows.map((k) => indices[k] as number), windows.map((k) => targets?.[k] as WindowTarget)).forEach((painted, j) => {
        out[windows[j] as number] = painted.then((ok) => (ok ? "painted" as const : undefined));
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
    if (this.cache.has(key)) return false;
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
    // On rows at least two runs long, first the file read of the run after this one: it overlaps this
    // run's decodes, so that run's decodes can start as soon as it is scheduled instead of after a file
    // read that waits behind every decode queued before it. (Short rows gain nothing from it: measured
    // slower on CMU-1-Small-Region's 10-tile rows.)
    const longest = this.longestRun(source);
    if (run0.length > 0 && source.tilesAcross >= 2 * longest && source.readStoredAhead !== undefined) {
      const next = followingRun(source, run0, longest, this.readAhead.reachEnd).filter((i) => !this.cache.has(`${level}/${i}`));
      if (next.length > 0) source.readStoredAhead(next);
    }
    // each row's part in two batches: the first half is ready sooner, and a second libuv thread (if
    // any) decodes the other
    for (const part of byRow(run0, source.tilesAcross)) {
      const half = Math.max(MIN_BATCH, Math.ceil(part.length / 2));
      for (let k = 0; k < part.length; k += half) this.prefetchBatch(level, source, part.slice(k, k + half));
    }
  }

  /** Records a read of `indices` with the read-ahead detector; returns the tiles to decode ahead of it. */
  private planReadAhead(level: number, source: TileSource, indices: number[], area?: ReadArea): number[] {
    const count = source.tilesAcross * source.tilesDown;
    return this.readAhead.next(level, source.tilesAcross, indices, this.longestRun(source), area).filter((i) => i < count);
  }

  /** The longest read-ahead run in tiles: a run must not push out of the cache the tiles it was read ahead for. */
  private longestRun(source: TileSource): number {
    const tileBytes = source.tileWidth * source.tileHeight * 4;
    return Math.min(this.readAheadTiles, Math.floor(this.cache.maxBytes / 4 / tileBytes));
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
    const done = Promise.allSettled(this.cache.getMany(ahead.map((i) => `${level}/${i}`), loadAhead, true));
    this.prefetching.add(done);
    void done.then(() => this.prefetching.delete(done));
  }

  /** Forgets read-ahead state, waits for read-ahead decodes still running, and empties the cache. */
  async close(): Promise<void> {
    this.readAhead.clear();
    this.readInPart.clear();
    await Promise.all(this.prefetching);
    this.cache.clear();
  }
}

/** Fewest tiles worth a batch of their own when a read-ahead run is split. */
const MIN_BATCH = 8;
/** A tile at least this much of which a region covers is decoded whole (and cached for its neighbours). */
const WHOLE_TILE_FRACTION = 0.75;
/** Partial decodes of a tile after which the next read decodes it whole. */
const PARTIAL_READS_BEFORE_WHOLE = 2;
/** Tiles remembered as read in part. */
const MAX_READ_IN_PART = 65536;

/** `indices` split into runs of consecutive entries on the same tile row. */
function byRow(indices: number[], tilesAcross: number): number[][] {
  const parts: number[][] = [];
  let row = -1;
  for (const i of indices) {
    const r = Math.floor(i / tilesAcross);
    if (r !== row) parts.push([]);
    row = r;
    (parts[parts.length - 1] as number[]).push(i);
  }
  return parts;
}

/**
 * The tiles a scan's next read-ahead run will most likely name after `run` (left to right on a row, as
 * ReadAhead schedules them): up to twice as many (at most `maxRun`) following it on its last row, or
 * the first ones of the next row when it ends the row; none the scan does not reach (`reachEnd`, the
 * first column and row beyond it).
 */
function followingRun(source: TileSource, run: number[], maxRun: number, reachEnd: { column: number; row: number }): number[] {
  const { tilesAcross, tilesDown } = source;
  const rowEnd = Math.min(tilesAcross, reachEnd.column);
  const last = run[run.length - 1] as number;
  const row = Math.floor(last / tilesAcross);
  const count = Math.min(maxRun, 2 * run.filter((i) => Math.floor(i / tilesAcross) === row).length);
  const col = last - row * tilesAcross + 1;
  const [startRow, startCol] = col < rowEnd ? [row, col] : [row + 1, 0];
  if (startRow >= Math.min(tilesDown, reachEnd.row)) return [];
  const out: number[] = [];
  for (let c = startCol; c < Math.min(rowEnd, startCol + count); c++) out.push(startRow * tilesAcross + c);
  return out;
}

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
