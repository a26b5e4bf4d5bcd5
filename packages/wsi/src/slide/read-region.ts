import type { PixelRect, TileSource, WindowTarget } from "../formats/types";
import type { ReadArea } from "./read-ahead";
import { copyRowsNative } from "../codecs/native-jpeg";
import { expandRgb, rgbToRgba } from "../tiff/to-rgba";
import { paintTileFiltered, premultiply, unpremultiply } from "./paint";

/** A decoded tile handed over to a read of exactly that tile: no one else holds its buffer. */
export interface OwnedTile {
  owned: Uint8Array;
}

/** What a {@link TileFetcher} resolves to for one tile. */
export type FetchedTile = Uint8Array | "painted" | OwnedTile | undefined;

/** The RGBA pixels of a fetched tile (undefined for a missing tile or one already painted into the region). */
function tilePixels(fetched: FetchedTile): Uint8Array | undefined {
  return fetched === undefined || fetched === "painted" ? undefined : fetched instanceof Uint8Array ? fetched : fetched.owned;
}

/** How a {@link TileFetcher} may deliver the tiles of one region. */
export interface FetchOptions {
  /**
   * Per tile, the part of it the region covers and where that goes in the region's buffer: a tile may
   * then be decoded straight into the buffer, and its promise resolves to "painted".
   */
  targets?: WindowTarget[];
  /** One index, and the region is exactly that tile: it may come as an {@link OwnedTile}, whose buffer the region may return as its own. */
  exactTile?: boolean;
  /** Where the region lies in the level (for read-ahead: a scan's reach). */
  area?: ReadArea;
}

/**
 * Starts fetching decoded RGBA tiles of the level (through the cache); one promise per index,
 * resolving to undefined for a missing tile. Fetching several at once lets JPEG tiles share a decode.
 */
export type TileFetcher = (indices: number[], options?: FetchOptions) => Promise<FetchedTile>[];

/** OpenSlide paints large requests in 4096-pixel chunks, each with its own integer level-0 origin. */
const CHUNK = 4096;
/** Tiles being read and decoded ahead of the one being painted. */
const WINDOW = 32;
const DONE: Promise<undefined> = Promise.resolve(undefined);

/** `out` cleared to transparent, or a new `bytes`-byte buffer when there is no `out`. */
function blank(bytes: number, out?: Uint8Array): Uint8Array {
  return out === undefined ? new Uint8Array(bytes) : out.fill(0);
}

/**
 * Reads a `w × h` RGBA region of `level` whose top-left is (`x`, `y`) in level-0 pixels, with OpenSlide 3.4
 * semantics: level coordinates are x / downsample (possibly fractional, then bilinearly resampled as
 * cairo does), pixels outside the level are (0,0,0,0), the result is un-premultiplied. With `into`
 * (exactly `w × h × 4` bytes) the pixels are written there and it is returned.
 */
export async function readRegionPixels(
  level: TileSource, downsample: number, fetch: TileFetcher,
  x: number, y: number, w: number, h: number, into?: Uint8Array,
): Promise<Uint8Array> {
  if (w <= CHUNK && h <= CHUNK) return paintChunk(level, downsample, fetch, x, y, w, h, into);
  const out = blank(w * h * 4, into);
  // chunks one after the other, so memory stays bounded by one chunk's tiles in flight
  for (let cy = 0; cy < h; cy += CHUNK) {
    for (let cx = 0; cx < w; cx += CHUNK) {
      const cw = Math.min(CHUNK, w - cx);
      const ch = Math.min(CHUNK, h - cy);
      const ox = Math.trunc(x + cx * downsample);
      const oy = Math.trunc(y + cy * downsample);
      const pix = await paintChunk(level, downsample, fetch, ox, oy, cw, ch);
      for (let r = 0; r < ch; r++) out.set(pix.subarray(r * cw * 4, (r + 1) * cw * 4), ((cy + r) * w + cx) * 4);
    }
  }
  return out;
}

async function paintChunk(level: TileSource, ds: number, fetch: TileFetcher, x: number, y: number, w: number, h: number, out?: Uint8Array): Promise<Uint8Array> {
  // OpenSlide: a negative origin becomes a whole-pixel offset trunc(−x / ds) and the read starts at 0.
  const offX = x < 0 ? Math.trunc(-x / ds) : 0;
  const offY = y < 0 ? Math.trunc(-y / ds) : 0;
  if (offX >= w || offY >= h) return blank(w * h * 4, out);
  // (a negative coordinate is replaced by 0 even when the offset truncates to 0 pixels)
  const shifted = offX !== 0 || offY !== 0;
  const inner = await paintArea(level, ds, fetch, Math.max(x, 0), Math.max(y, 0), w - offX, h - offY, shifted ? undefined : out);
  if (!shifted) return inner;
  const dest = blank(w * h * 4, out);
  const iw = w - offX;
  for (let r = 0; r < h - offY; r++) dest.set(inner.subarray(r * iw * 4, (r + 1) * iw * 4), ((r + offY) * w + offX) * 4);
  return dest;
}

async function paintArea(level: TileSource, ds: number, fetch: TileFetcher, x: number, y: number, w: number, h: number, out?: Uint8Array): Promise<Uint8Array> {
  const lx = x / ds;
  const ly = y / ds;
  const { tileWidth: tw, tileHeight: th, tilesAcross, tilesDown } = level;
  let startX = Math.trunc(lx / tw);
  let startY = Math.trunc(ly / th);
  let endX = Math.ceil((lx + w) / tw);
  let endY = Math.ceil((ly + h) / th);
  if (endX <= 0 || endY <= 0 || startX > tilesAcross - 1 || startY > tilesDown - 1) return blank(w * h * 4, out);
  startX = Math.max(startX, 0);
  startY = Math.max(startY, 0);
  endX = Math.min(endX, tilesAcross);
  endY = Math.min(endY, tilesDown);
  const area: ReadArea = { x: lx, y: ly, width: w, height: h, levelWidth: level.width, levelHeight: level.height, tileWidth: tw, tileHeight: th };
  // (a tile read ahead may become the region itself, unless the caller gave the buffer to write into)
  if (out === undefined && w === tw && h === th && lx === startX * tw && ly === startY * th) return readExactTile(fetch, startY * tilesAcross + startX, tw, th, area);
  const dest = blank(w * h * 4, out);
  const indices: number[] = [];
  for (let ty = endY - 1; ty >= startY; ty--) for (let tx = endX - 1; tx >= startX; tx--) indices.push(ty * tilesAcross + tx);
  const integral = Number.isInteger(lx) && Number.isInteger(ly);
  // at an integral position each tile contributes the rectangle the region covers, which is all that
  // needs decoding; a filtered (fractional) paint samples whole tiles
  const targets = integral ? indices.map((index) => windowTarget(dest, w, h, (index % tilesAcross) * tw - lx, Math.floor(index / tilesAcross) * th - ly, tw, th)) : undefined;
  // With the caller's buffer, a failed read returns only once no window decode can still write into it
  // (the caller may reuse the buffer at once): the fetches started are awaited before rethrowing.
  const started: Promise<FetchedTile>[] = [];
  // Tiles are fetched in batches of WINDOW (the next batch while the current one is painted) and
  // painted strictly in OpenSlide's order.
  const start = (from: number) => {
    const batch = fetch(indices.slice(from, from + WINDOW), { targets: targets?.slice(from, from + WINDOW), area });
    for (const p of batch) p.catch(() => undefined); // rejections are observed when the tile's turn comes
    if (out !== undefined) started.push(...batch);
    return batch;
  };
  try {
    await paintBatches(start, indices, dest, w, h, level, lx, ly, integral);
  } catch (err) {
    await Promise.allSettled(started);
    throw err;
  }
  if (!integral) unpremultiply(dest);
  return dest;
}

/** The painting loop of paintArea: batches of {@link WINDOW} tiles fetched one ahead, painted in order. */
async function paintBatches(
  start: (from: number) => Promise<FetchedTile>[], indices: number[], dest: Uint8Array, w: number, h: number,
  level: TileSource, lx: number, ly: number, integral: boolean,
): Promise<void> {
  const { tileWidth: tw, tileHeight: th, tilesAcross } = level;
  let batch = start(0);
  for (let b = 0; b < indices.length; b += WINDOW) {
    const current = batch;
    if (b + WINDOW < indices.length) batch = start(b + WINDOW);
    for (let j = 0; j < current.length; j++) {
      const k = b + j;
      const tile = tilePixels(await (current[j] as Promise<FetchedTile>));
      current[j] = DONE;
      if (tile === undefined) continue;
      const index = indices[k] as number;
      const tx = index % tilesAcross;
      const ty = Math.floor(index / tilesAcross);
      const ox = tx * tw - lx;
      const oy = ty * th - ly;
      if (integral) copyTile(dest, w, h, tile, tw, th, ox, oy);
      else paintTileFiltered(dest, w, h, premultiply(tile.length === tw * th * 3 ? expandRgb(tile, tw * th) : tile), tw, th, ox, oy);
    }
  }
}

/**
 * A region that is exactly tile `index` (`tw × th`, at the tile's own position): the tile's buffer itself
 * when the fetcher hands it over as RGBA (a tile read ahead of a scan and not read yet: no copy), else a
 * copy of the tile (transparent for a missing tile).
 */
async function readExactTile(fetch: TileFetcher, index: number, tw: number, th: number, area: ReadArea): Promise<Uint8Array> {
  const fetched = await (fetch([index], { exactTile: true, area })[0] as Promise<FetchedTile>);
  const tile = tilePixels(fetched);
  if (tile !== undefined && tile !== fetched && tile.length === tw * th * 4) return tile; // handed over: ours to return
  const dest = new Uint8Array(tw * th * 4);
  if (tile !== undefined) copyTile(dest, tw, th, tile, tw, th, 0, 0);
  return dest;
}

/**
 * The part of a `tw × th` tile placed at integral (`ox`, `oy`) that a `w × h` destination covers (tile
 * pixels), and where it lands. Tiles do not overlap at integral positions, so that part can be written
 * straight into the destination, whatever order the tiles arrive in.
 */
function windowTarget(dest: Uint8Array, w: number, h: number, ox: number, oy: number, tw: number, th: number): WindowTarget {
  const x = Math.max(0, -ox);
  const y = Math.max(0, -oy);
  const rect: PixelRect = { x, y, width: Math.max(0, Math.min(tw, w - ox) - x), height: Math.max(0, Math.min(th, h - oy) - y) };
  return { rect, dest, destWidth: w, destX: ox + x, destY: oy + y };
}

/**
 * Integer placement: tiles do not overlap, so OVER onto transparent is a plain copy of the visible part
 * (converted to RGBA on the way for an opaque RGB tile).
 */
function copyTile(dest: Uint8Array, w: number, h: number, tile: Uint8Array, tw: number, th: number, ox: number, oy: number): void {
  const x0 = Math.max(0, ox);
  const x1 = Math.min(w, ox + tw);
  const y0 = Math.max(0, oy);
  const y1 = Math.min(h, oy + th);
  if (x1 <= x0 || y1 <= y0) return;
  if (tile.length === tw * th * 3) {
    for (let yy = y0; yy < y1; yy++) rgbToRgba(tile, ((yy - oy) * tw + (x0 - ox)) * 3, dest, (yy * w + x0) * 4, x1 - x0);
    return;
  }
  if (x1 - x0 === tw && tw === w) {
    // whole tile rows onto whole destination rows (e.g. a tile-aligned read): one contiguous copy
    dest.set(tile.subarray((y0 - oy) * tw * 4, (y1 - oy) * tw * 4), y0 * w * 4);
    return;
  }
  const s0 = ((y0 - oy) * tw + (x0 - ox)) * 4;
  // one native call rather than a subarray and a set per row (256 of each per tile)
  if (copyRowsNative(tile, s0, tw * 4, dest, (y0 * w + x0) * 4, w * 4, (x1 - x0) * 4, y1 - y0)) return;
  for (let yy = y0; yy < y1; yy++) {
    const s = s0 + (yy - y0) * tw * 4;
    dest.set(tile.subarray(s, s + (x1 - x0) * 4), (yy * w + x0) * 4);
  }
}
