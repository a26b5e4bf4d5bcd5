import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSlide, writeSlide, WsiError, type Slide } from "../src/index";
import { nativeJpegActive } from "../src/codecs/native-jpeg";
import { FileSource } from "../src/io/file-source";
import { ReadAhead, scanReach } from "../src/slide/read-ahead";
import { readTiff } from "../src/tiff/ifd";
import { TiffImage } from "../src/tiff/image";
import { fixture, haveFixtures } from "./fixtures";
import { pictureSource } from "./helpers/picture-source";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-readahead-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 2600;
const H = 700;
const file = path.join(dir, "scan.svs");
beforeAll(async () => {
  await writeSlide(file, pictureSource(W, H), { format: "svs", compression: "jpeg", quality: 80, tileSize: 256 });
});

/** Every 256 × 256 level-0 region on a 256 grid, row by row, left to right (the benchmark's scan). */
function scan(slide: Slide, step = 256): [number, number][] {
  const { width, height } = slide.levels[0] as { width: number; height: number };
  const out: [number, number][] = [];
  for (let y = 0; y + 256 <= height; y += step) for (let x = 0; x + 256 <= width; x += step) out.push([x, y]);
  return out;
}

/** Tiles the slide's cache holds (to see that read-ahead decoded tiles nobody asked for yet). */
const cachedTiles = (slide: Slide): number => (slide as unknown as { tiles: { cache: { entries: Map<string, unknown> } } }).tiles.cache.entries.size;

describe("ReadAhead", () => {
  it("says whether the last read continued a scan (its tiles' rest is read next, so they are worth decoding whole)", () => {
    const ra = new ReadAhead();
    ra.next(0, 100, [10, 11], 8);
    expect(ra.scanning).toBe(false); // first read of the row
    ra.next(0, 100, [11, 12], 8);
    expect(ra.scanning).toBe(true);
    ra.next(0, 100, [40, 41], 8);
    expect(ra.scanning).toBe(false); // a jump
    ra.next(0, 100, [41, 42], 0);
    expect(ra.scanning).toBe(false); // read-ahead off
  });

  it("names runs ahead of a left-to-right scan (4 tiles, then doubling at half way) and nothing for random reads", () => {
    const ra = new ReadAhead();
    expect(ra.next(0, 100, [0], 8)).toEqual([]); // first read of the row
    expect(ra.next(0, 100, [1], 8)).toEqual([2, 3, 4, 5]); // sequential: a first run of 4
    expect(ra.next(0, 100, [2], 8)).toEqual([]);
    expect(ra.next(0, 100, [3], 8)).toEqual([]);
    expect(ra.next(0, 100, [4], 8)).toEqual([6, 7, 8, 9, 10, 11, 12, 13]); // half of the run left: the next, twice as long (≤ 8)
    expect(ra.next(0, 100, [5], 8)).toEqual([]);
    expect(ra.next(0, 100, [7], 8)).toEqual([]); // jumps forward by more than one column: not sequential
    expect(ra.next(0, 100, [8], 8)).toEqual([9, 10, 11, 12]); // schedule restarted after the jump
    expect(ra.next(0, 100, [9, 10], 8)).toEqual([]);
    expect(ra.next(0, 100, [10, 11], 8)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
    expect(ra.next(0, 100, [12, 13], 8)).toEqual([]);
    expect(ra.next(0, 100, [14, 15], 8)).toEqual([]);
    expect(ra.next(0, 100, [16, 17], 8)).toEqual([21, 22, 23, 24, 25, 26, 27, 28]);
    // two rows at once (a region straddling tile rows), clipped at the row end; other levels are separate
    expect(ra.next(1, 10, [6, 7, 16, 17], 8)).toEqual([]);
    // both rows scheduled to their end: the first run of the row below (row 2) is named too, once
    expect(ra.next(1, 10, [7, 8, 17, 18], 8)).toEqual([9, 19, 20, 21, 22, 23]);
    expect(ra.next(1, 10, [8, 9, 18, 19], 8)).toEqual([]);
    // the next row of a row-by-row scan: a row seen before restarts its schedule, the row named ahead
    // goes on from what was named (20–23, half of which is still ahead of this read)
    expect(ra.next(1, 10, [10, 11, 20, 21], 8)).toEqual([12, 13, 14, 15]);
    expect(ra.next(1, 10, [0, 1], 8)).toEqual([]); // did not follow a row end
    // a scan of whole regions that never reads the row's last, partial tile still ends the row
    const edge = new ReadAhead();
    expect(edge.next(0, 10, [7], 8)).toEqual([]);
    expect(edge.next(0, 10, [8], 8)).toEqual([9, 10, 11, 12, 13]); // and the first run of row 1
    expect(edge.next(0, 10, [10], 8)).toEqual([]); // already named
    expect(edge.next(0, 10, [11], 8)).toEqual([]);
    // half way: the next run (8, clipped to the row), which ends the row: the row below's first run too
    expect(edge.next(0, 10, [12], 8)).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    // random reads on a wide level
    const random = new ReadAhead();
    let extra = 0;
    for (let k = 0; k < 500; k++) {
      const c = (k * 7919) % 150;
      const r = (k * 104729) % 100;
      extra += random.next(0, 157, [r * 157 + c, r * 157 + c + 1], 32).length;
    }
    expect(extra).toBe(0);
    expect(new ReadAhead().next(0, 100, [1], 1)).toEqual([]); // run < 2: off
  });
});

describe("scanReach and ReadAhead with the read's area", () => {
  // CMU-1-Small-Region's level 0: 2220 × 2967 in 240² tiles (10 × 13); a scan of whole 256² regions
  // reads x < 2048 (tile columns ≤ 8) and y < 2816 (tile rows ≤ 11)
  const cmu = { levelWidth: 2220, levelHeight: 2967, tileWidth: 240, tileHeight: 240, width: 256, height: 256 };
  it("is the last tile column and row a scan of whole regions stepping by their size (or the step seen) reaches", () => {
    expect(scanReach({ ...cmu, x: 0, y: 0 }, 256)).toEqual({ lastColumn: 8, lastRow: 11 });
    expect(scanReach({ ...cmu, x: 1792, y: 2560 }, 256)).toEqual({ lastColumn: 8, lastRow: 11 });
    expect(scanReach({ ...cmu, x: 150, y: 0 }, 256)).toEqual({ lastColumn: 9, lastRow: 11 }); // 150 + 7·256 + 256 = 2198
    expect(scanReach({ ...cmu, x: 100, y: 0 }, 200)).toEqual({ lastColumn: 8, lastRow: 11 }); // 100 + 9·200 + 256 = 2156
    // a read past the edge reaches at least its own tiles
    expect(scanReach({ ...cmu, x: 2100, y: 2800 }, 256)).toEqual({ lastColumn: 9, lastRow: 12 });
  });

  it("names no tile beyond that reach, nor the row below the scan's last tile row", () => {
    const ra = new ReadAhead();
    const named: number[] = [];
    for (let y = 0; y + 256 <= 2967; y += 256) {
      for (let x = 0; x + 256 <= 2220; x += 256) {
        const cols = [Math.floor(x / 240), Math.floor((x + 255) / 240)];
        const rows = [Math.floor(y / 240), Math.floor((y + 255) / 240)];
        const indices = rows.flatMap((r) => cols.map((c) => r * 10 + c));
        named.push(...ra.next(0, 10, indices, 32, { ...cmu, x, y }));
      }
    }
    expect(named.length).toBeGreaterThan(80);
    expect(named.every((i) => i % 10 <= 8 && Math.floor(i / 10) <= 11)).toBe(true);
    // every tile the scan reads below its first row of regions (tile rows 0 and 1) was named ahead of it
    const reached = new Set(named);
    for (let r = 2; r <= 11; r++) for (let c = 0; c <= 8; c++) expect(reached.has(r * 10 + c), `tile ${r * 10 + c}`).toBe(true);
  });
});

describe("sequential read-ahead in readRegion", () => {
  it("returns exactly the pixels of the plain path, for tile-aligned and straddling scans", async () => {
    const files = haveFixtures ? [file, fixture("aperio_CMU-1-Small-Region.svs")] : [file];
    for (const f of files) {
      const plain = await openSlide(f, { readAheadTiles: 0 });
      const ahead = await openSlide(f);
      const readBoth = async (x: number, y: number, width: number, height: number) => {
        const a = await ahead.readRegion({ x, y, level: 0, width, height });
        const b = await plain.readRegion({ x, y, level: 0, width, height });
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${f} ${x},${y}`).toBe(0);
      };
      for (const [x, y] of scan(ahead)) await readBoth(x, y, 256, 256);
      // a second pass with straddling, overlapping regions (CMU's tiles are 240 wide) and a short row
      for (const [x, y] of scan(ahead, 200)) await readBoth(x + 30, y + 17, 256, 256);
      await plain.close();
      await ahead.close();
    }
  });

  it("decodes tiles ahead of a scan (and not ahead of random reads), within the cache budget", async () => {
    const tileBytes = 256 * 256 * 4;
    const settled = (slide: Slide) => Promise.all((slide as unknown as { tiles: { prefetching: Set<Promise<unknown>> } }).tiles.prefetching);
    const scanning = await openSlide(file);
    // five tiles of row 1 (11 tiles across, the last 40 pixels wide) read in order: runs of 4 and then 8
    // decode the rest a scan of whole 256² regions reaches (columns up to 9: it never reads column 10,
    // nor row 2, 188 pixels high)
    for (let tx = 0; tx < 5; tx++) await scanning.readRegion({ x: tx * 256, y: 256, level: 0, width: 256, height: 256 });
    await settled(scanning);
    // 10 were decoded. With the native decoder, tiles 2–4, read ahead and then read as whole regions,
    // were handed over to those reads (taken out of the cache); sharp's tiles share one buffer per
    // batched decode, so they stay cached.
    expect(cachedTiles(scanning)).toBe(nativeJpegActive() ? 7 : 10);
    // a scan that does read the edge tiles still reads them (on demand), with the same pixels
    const plain = await openSlide(file, { readAheadTiles: 0 });
    for (const [x, w] of [[1280, 256], [1536, 256], [1792, 256], [2048, 256], [2304, 256], [2560, 40]] as const) {
      const a = await scanning.readRegion({ x, y: 256, level: 0, width: w, height: 256 });
      const b = await plain.readRegion({ x, y: 256, level: 0, width: w, height: 256 });
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `x=${x}`).toBe(0);
    }
    for (let x = 0; x < W; x += 256) {
      const a = await scanning.readRegion({ x, y: 512, level: 0, width: Math.min(256, W - x), height: H - 512 });
      const b = await plain.readRegion({ x, y: 512, level: 0, width: Math.min(256, W - x), height: H - 512 });
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `x=${x}, bottom row`).toBe(0);
    }
    await plain.close();
    await scanning.close();
    const random = await openSlide(file);
    for (const [x, y] of [[900, 300], [100, 20], [1700, 400], [40, 200]] as const) await random.readRegion({ x, y, level: 0, width: 224, height: 224 });
    expect(cachedTiles(random)).toBeLessThanOrEqual(4 * 4);
    await random.close();
    // a cache of 4 tiles leaves no room for a run: no read-ahead
    const small = await openSlide(file, { cacheBytes: 4 * tileBytes });
    for (const [x, y] of scan(small).slice(0, 6)) await small.readRegion({ x, y, level: 0, width: 256, height: 256 });
    expect(cachedTiles(small)).toBeLessThanOrEqual(4);
    await small.close();
  });

  // the native decoder gives each tile a buffer of its own (sharp's batched decodes share one)
  it.skipIf(!nativeJpegActive())("hands a tile read ahead to the one read of exactly that tile: the caller owns the buffer, the cache keeps nothing it shares", async () => {
    const plain = await openSlide(file, { readAheadTiles: 0 });
    const slide = await openSlide(file);
    const region = (x: number) => ({ x, y: 0, level: 0, width: 256, height: 256 });
    const first = await slide.readRegion(region(0));
    await slide.readRegion(region(256)); // a scan: tiles 2–5 are decoded ahead
    await Promise.all((slide as unknown as { tiles: { prefetching: Set<Promise<unknown>> } }).tiles.prefetching);
    const before = cachedTiles(slide);
    const handed = await slide.readRegion(region(512));
    expect(cachedTiles(slide)).toBe(before - 1); // tile 2 left the cache with the read
    expect(handed.data.byteOffset).toBe(0);
    expect(handed.data.buffer.byteLength).toBe(256 * 256 * 4);
    const expected = await plain.readRegion(region(512));
    expect(Buffer.compare(Buffer.from(handed.data), Buffer.from(expected.data))).toBe(0);
    // the caller may scribble on what it got: later reads of the same tiles are unaffected
    handed.data.fill(7);
    first.data.fill(7);
    for (const x of [0, 512]) {
      const again = await slide.readRegion(region(x));
      const want = await plain.readRegion(region(x));
      expect(Buffer.compare(Buffer.from(again.data), Buffer.from(want.data)), `x=${x}`).toBe(0);
    }
    // two concurrent reads of one tile read ahead: at most one gets the tile's buffer, both the pixels
    const [a, b] = await Promise.all([slide.readRegion(region(768)), slide.readRegion(region(768))]);
    expect(a.data.buffer).not.toBe(b.data.buffer);
    const want = await plain.readRegion(region(768));
    for (const r of [a, b]) expect(Buffer.compare(Buffer.from(r.data), Buffer.from(want.data))).toBe(0);
    await slide.close();
    await plain.close();
  });

  // (the native decoder reads each tile's bytes in the job that decodes it: nothing to read ahead; the
  // sharp path, as without the addon, does)
  it("on rows at least two runs long, reads the stored bytes of the next run ahead (sharp path), once per tile; same pixels", async () => {
    const previous = process.env.OSFM_WSI_NATIVE;
    process.env.OSFM_WSI_NATIVE = "0";
    try {
      await storedAheadScan();
    } finally {
      if (previous === undefined) delete process.env.OSFM_WSI_NATIVE;
      else process.env.OSFM_WSI_NATIVE = previous;
    }
  });

  async function storedAheadScan(): Promise<void> {
    const plain = await openSlide(file, { readAheadTiles: 0 });
    const slide = await openSlide(file, { readAheadTiles: 4 }); // runs of 4 on rows of 11 tiles
    const named: number[] = [];
    const original = TiffImage.prototype.readRawAhead;
    TiffImage.prototype.readRawAhead = function (this: TiffImage, indices: number[]) {
      named.push(...indices);
      original.call(this, indices);
    };
    try {
      for (const [x, y] of scan(slide)) {
        const a = await slide.readRegion({ x, y, level: 0, width: 256, height: 256 });
        const b = await plain.readRegion({ x, y, level: 0, width: 256, height: 256 });
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${x},${y}`).toBe(0);
      }
    } finally {
      TiffImage.prototype.readRawAhead = original;
    }
    // the runs after the first of each row (rows 0 and 1: a scan of whole 256² regions reaches neither
    // column 10, 40 pixels wide, nor row 2)
    expect(named).toEqual([6, 7, 8, 9, 15, 16, 17, 18, 19, 20]);
    expect(new Set(named).size).toBe(named.length); // each tile's bytes read ahead once
    await slide.close();
    await plain.close();
  }

  it("an aborted read rejects with ABORTED while its tile is being read ahead; the scan then goes on", async () => {
    const plain = await openSlide(file, { readAheadTiles: 0 });
    const slide = await openSlide(file);
    await slide.readRegion({ x: 0, y: 0, level: 0, width: 256, height: 256 });
    await slide.readRegion({ x: 256, y: 0, level: 0, width: 256, height: 256 }); // starts the run ahead
    const before = new AbortController();
    before.abort();
    await expect(slide.readRegion({ x: 512, y: 0, level: 0, width: 256, height: 256, signal: before.signal })).rejects.toMatchObject({ code: "ABORTED", path: file });
    const during = new AbortController();
    const p = slide.readRegion({ x: 768, y: 0, level: 0, width: 256, height: 256, signal: during.signal });
    during.abort(); // the tile is still being decoded in the run ahead
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsiError);
    expect((err as WsiError).code).toBe("ABORTED");
    for (const x of [512, 768, 1024]) {
      const a = await slide.readRegion({ x, y: 0, level: 0, width: 256, height: 256 });
      const b = await plain.readRegion({ x, y: 0, level: 0, width: 256, height: 256 });
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
    }
    await slide.close();
    await plain.close();
  });

  it("a corrupt tile ahead of the scan fails only the read that needs it", async () => {
    const bad = path.join(dir, "bad-tile.svs");
    const { copyFileSync } = await import("node:fs");
    copyFileSync(file, bad);
    const src = await FileSource.open(bad);
    const tiff = await readTiff(src);
    const image = new TiffImage(tiff, tiff.ifds[0] as (typeof tiff.ifds)[number]);
    const offset = image.offsets[5] as number;
    await src.close();
    const fd = openSync(bad, "r+");
    writeSync(fd, new Uint8Array(16).fill(0x5a), 0, 16, offset); // tile 5 no longer starts with SOI
    closeSync(fd);
    const slide = await openSlide(bad);
    for (let tx = 0; tx < 5; tx++) await slide.readRegion({ x: tx * 256, y: 0, level: 0, width: 256, height: 256 });
    await expect(slide.readRegion({ x: 5 * 256, y: 0, level: 0, width: 256, height: 256 })).rejects.toMatchObject({ code: "DECODE_FAILED" });
    const next = await slide.readRegion({ x: 6 * 256, y: 0, level: 0, width: 256, height: 256 });
    expect(next.data[3]).toBe(255);
    await slide.close();
  });
});

describe("TiffImage.readRawAhead", () => {
  it("keeps the stored bytes of tiles read ahead until they are read, once, and reads the others from the file", async () => {
    const src = await FileSource.open(file);
    const tiff = await readTiff(src);
    const image = new TiffImage(tiff, tiff.ifds[0] as (typeof tiff.ifds)[number]);
    const expected = new Map<number, Uint8Array>();
    for (const i of [3, 4, 5, 9]) expected.set(i, (await image.readRaw(i)) as Uint8Array);
    let reads = 0;
    const read = src.read.bind(src);
    src.read = (offset: number, length: number, what?: string) => { reads++; return read(offset, length, what); };
    image.readRawAhead([3, 4, 5]);
    expect(reads).toBe(1); // one positioned read for the three back-to-back tiles, started at once
    const many = await image.readRawMany([4, 9, 3]);
    expect(reads).toBe(2); // only tile 9 came from the file
    const one = await image.readRaw(5);
    expect(reads).toBe(2);
    [...many, one].forEach((raw, k) => {
      const i = [4, 9, 3, 5][k] as number;
      expect(Buffer.compare(Buffer.from(raw as Uint8Array), Buffer.from(expected.get(i) as Uint8Array)), `tile ${i}`).toBe(0);
    });
    await image.readRawMany([3, 4]); // consumed: read from the file again
    expect(reads).toBe(3);
    await src.close();
  });
});

describe("TiffImage.readRawMany", () => {
  it("coalesced reads return the bytes of one read per tile, in the order asked", async () => {
    const src = await FileSource.open(file);
    const tiff = await readTiff(src);
    const image = new TiffImage(tiff, tiff.ifds[0] as (typeof tiff.ifds)[number]);
    const indices = [3, 4, 5, 6, 0, 25, 24, 1, 12];
    const many = await image.readRawMany(indices);
    for (const [k, i] of indices.entries()) {
      const one = await image.readRaw(i);
      expect(Buffer.compare(Buffer.from(many[k] as Uint8Array), Buffer.from(one as Uint8Array)), `tile ${i}`).toBe(0);
    }
    await src.close();
  });
});
