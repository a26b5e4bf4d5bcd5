import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRowsNative, decodeJpegNative, decodeJpegNativeInto, nativeJpegActive } from "../src/codecs/native-jpeg";
import { tiledLevel } from "../src/formats/tiff-sources";
import { openSlide, WsiError } from "../src/index";
import { FileSource } from "../src/io/file-source";
import { readTiff } from "../src/tiff/ifd";
import { TiffImage } from "../src/tiff/image";
import { fixture, haveFixtures } from "./fixtures";
import { splitJpegTables } from "./helpers/jpeg-split";
import { jpegOf } from "./helpers/pyramid";
import { basicTags, buildTiff, cutTiles, type ImageSpec, testPicture } from "./helpers/tiff-builder";
import { haveOpenSlide, openslideDump, type RegionTuple, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-native-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** The native decoder is expected unless turned off. */
const native = process.env.OSFM_WSI_NATIVE !== "0";

/** One-level YCbCr JPEG TIFF, 520 × 390 in 128² tiles (edge tiles), tables in JPEGTables unless `dropTables`. */
async function jpegTiff(file: string, subsampling: "4:2:0" | "4:4:4", dropTables = false): Promise<void> {
  const tiles = cutTiles(testPicture(520, 390), 520, 390, 3, 128, 128);
  const split = (await Promise.all(tiles.map((t) => jpegOf(t, 128, 128, 80, subsampling)))).map(splitJpegTables);
  const image: ImageSpec = {
    tiled: true,
    chunks: split.map((s) => s.abbreviated),
    tags: [
      ...basicTags({ width: 520, height: 390, compression: 7, photometric: 6, tile: [128, 128] }),
      { tag: 530, type: "short", value: subsampling === "4:2:0" ? [2, 2] : [1, 1] },
      ...(dropTables ? [] : [{ tag: 347, type: "undefined" as const, value: (split[0] as { tables: Uint8Array }).tables }]),
    ],
  };
  writeFileSync(file, buildTiff([image]));
}

/** Crops `w × h` at (`x`, `y`) out of an interleaved `width`-wide raster of `ch` channels. */
function crop(data: Uint8Array, width: number, ch: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * ch);
  for (let r = 0; r < h; r++) out.set(data.subarray(((y + r) * width + x) * ch, ((y + r) * width + x + w) * ch), r * w * ch);
  return out;
}

// Here and in CI (gcc, libjpeg62-turbo-dev) the addon is built by the package's install/build scripts.
it.skipIf(!native)("the native JPEG decoder is built and active in this environment (OSFM_WSI_NATIVE=0 turns it off)", () => {
  expect(nativeJpegActive()).toBe(true);
  process.env.OSFM_WSI_NATIVE = "0";
  try {
    expect(nativeJpegActive()).toBe(false);
  } finally {
    delete process.env.OSFM_WSI_NATIVE;
  }
});

describe.skipIf(!nativeJpegActive())("native libjpeg-turbo JPEG decoder", () => {

  for (const subsampling of ["4:2:0", "4:4:4"] as const) {
    it(`a window of an abbreviated ${subsampling} stream + JPEGTables equals the same pixels of a whole decode (RGB and RGBA)`, async () => {
      const { tables, abbreviated } = splitJpegTables(await jpegOf(testPicture(256, 256, 3, 4), 256, 256, 80, subsampling));
      for (const channels of [3, 4] as const) {
        const whole = await decodeJpegNative(abbreviated, tables, false, channels, undefined, 1 << 20);
        expect([whole.width, whole.height, whole.channels, whole.data.length]).toEqual([256, 256, channels, 256 * 256 * channels]);
        if (channels === 4) for (let i = 3; i < whole.data.length; i += 4) expect(whole.data[i]).toBe(255);
        // windows on and off iMCU boundaries, at the edges, and one pixel
        for (const [x, y, w, h] of [[37, 53, 150, 120], [16, 16, 96, 96], [0, 129, 256, 127], [200, 7, 56, 249], [100, 100, 1, 1], [255, 255, 1, 1]] as const) {
          const win = await decodeJpegNative(abbreviated, tables, false, channels, { x, y, width: w, height: h }, 1 << 20);
          expect([win.width, win.height]).toEqual([w, h]);
          expect(Buffer.from(win.data).equals(Buffer.from(crop(whole.data, 256, channels, x, y, w, h))), `${subsampling} ${channels} ch window ${x},${y} ${w}x${h}`).toBe(true);
        }
        // a window reaching beyond the image is clipped to it
        const clipped = await decodeJpegNative(abbreviated, tables, false, channels, { x: 250, y: 240, width: 100, height: 100 }, 1 << 20);
        expect([clipped.width, clipped.height]).toEqual([6, 16]);
      }
    });
  }

  it("a whole 4:4:4 RGB-coded tile (decoded as component planes, interleaved to RGBA) has the pixels of libjpeg's own RGB output", async () => {
    // (rgbPhotometric true: the components are taken as R, G, B, as for Aperio's photometric-RGB tiles)
    for (const [w, h, subsampling] of [[256, 256, "4:4:4"], [250, 90, "4:4:4"], [17, 9, "4:4:4"], [120, 64, "4:2:0"]] as const) {
      const { tables, abbreviated } = splitJpegTables(await jpegOf(testPicture(w, h, 3, 3), w, h, 85, subsampling));
      const rgba = await decodeJpegNative(abbreviated, tables, true, 4, undefined, 1 << 20);
      const rgb = await decodeJpegNative(abbreviated, tables, true, 3, undefined, 1 << 20);
      expect([rgba.width, rgba.height, rgb.width, rgb.height]).toEqual([w, h, w, h]);
      const expanded = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) {
        expanded.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
        expanded[i * 4 + 3] = 255;
      }
      expect(Buffer.from(rgba.data).equals(Buffer.from(expanded)), `${w}x${h} ${subsampling}`).toBe(true);
      // and into a destination raster, as a window covering the whole tile
      const dest = new Uint8Array((w + 3) * h * 4).fill(7);
      await decodeJpegNativeInto(abbreviated, tables, true, { x: 0, y: 0, width: w, height: h }, 1 << 20, dest, 12, (w + 3) * 4);
      for (let y = 0; y < h; y++) {
        expect(Buffer.from(dest.subarray(12 + y * (w + 3) * 4, 12 + (y * (w + 3) + w) * 4)).equals(Buffer.from(rgba.data.subarray(y * w * 4, (y + 1) * w * 4))), `row ${y}`).toBe(true);
      }
    }
  });

  it("writes a window into a destination raster at an offset and stride, leaving the other bytes alone", async () => {
    const { tables, abbreviated } = splitJpegTables(await jpegOf(testPicture(128, 128, 3, 2), 128, 128, 80, "4:2:0"));
    const whole = await decodeJpegNative(abbreviated, tables, false, 4, undefined, 1 << 20);
    const dest = new Uint8Array(100 * 60 * 4).fill(7);
    // the 40 × 30 window at (50, 70) of the tile lands at (20, 10) of a 100-pixel-wide raster
    const size = await decodeJpegNativeInto(abbreviated, tables, false, { x: 50, y: 70, width: 40, height: 30 }, 1 << 20, dest, (10 * 100 + 20) * 4, 400);
    expect(size).toEqual({ width: 40, height: 30 });
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 100; x++) {
        const inside = x >= 20 && x < 60 && y >= 10 && y < 40;
        const got = Array.from(dest.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4));
        const want = inside ? Array.from(whole.data.subarray(((y - 10 + 70) * 128 + x - 20 + 50) * 4, ((y - 10 + 70) * 128 + x - 20 + 50) * 4 + 4)) : [7, 7, 7, 7];
        if (got.join() !== want.join()) expect(got, `pixel ${x},${y}`).toEqual(want);
      }
    }
    // a destination too small for the window's rows is refused before decoding
    await expect(decodeJpegNativeInto(abbreviated, tables, false, { x: 0, y: 0, width: 40, height: 30 }, 1 << 20, dest, (59 * 100) * 4, 400)).rejects.toThrow(TypeError);
  });

  it("copyRows copies rows between rasters of different strides, views included, and refuses rows outside either", () => {
    const src = Uint8Array.from({ length: 10 * 8 }, (_, i) => i); // 10 bytes per row, 8 rows
    const backing = new Uint8Array(4 + 12 * 6).fill(200);
    const dest = backing.subarray(4); // a view: 12 bytes per row, 6 rows
    expect(copyRowsNative(src, 2 * 10 + 3, 10, dest, 1 * 12 + 5, 12, 4, 5)).toBe(true);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 12; x++) {
        const inside = y >= 1 && y < 6 && x >= 5 && x < 9;
        expect(dest[y * 12 + x], `${x},${y}`).toBe(inside ? (y - 1 + 2) * 10 + (x - 5 + 3) : 200);
      }
    }
    expect(Array.from(backing.subarray(0, 4))).toEqual([200, 200, 200, 200]);
    expect(() => copyRowsNative(src, 0, 10, dest, 60, 12, 13, 1)).toThrow(TypeError); // a row past dest's end
    expect(() => copyRowsNative(src, 0, 10, dest, 0, 12, 4, 7)).toThrow(TypeError); // one row too many for dest
    expect(() => copyRowsNative(src, 75, 10, dest, 0, 12, 6, 1)).toThrow(TypeError); // past the end of src
    expect(() => copyRowsNative(src, -1, 10, dest, 0, 12, 4, 1)).toThrow(TypeError);
  });

  it("rejects corrupt streams with libjpeg's message, never crashing the process", async () => {
    const { tables, abbreviated } = splitJpegTables(await jpegOf(testPicture(64, 64), 64, 64, 80, "4:2:0"));
    const cases: [Uint8Array, Uint8Array | undefined, RegExp][] = [
      [abbreviated, undefined, /Huffman table|quantization table/i], // tables missing
      [abbreviated.subarray(0, 30), tables, /^libjpeg: ./], // header cut short
      [Uint8Array.from([0xff, 0xd8, 0x12, 0x34, 0x56]), undefined, /^libjpeg: ./],
      [new Uint8Array(0), undefined, /^libjpeg: ./],
    ];
    for (const [tile, t, message] of cases) await expect(decodeJpegNative(tile, t, false, 4, undefined, 1 << 20)).rejects.toThrow(message);
    // a SOF larger than the caller allows is refused before any pixel is allocated
    await expect(decodeJpegNative(abbreviated, tables, false, 4, undefined, 1000)).rejects.toThrow(/larger than/);
  });

  it("a slide whose JPEG tiles cannot be decoded rejects readRegion with a WsiError naming the file and tile", async () => {
    const file = path.join(dir, "no-tables.tiff");
    await jpegTiff(file, "4:2:0", true);
    const slide = await openSlide(file);
    // a window (part of one tile) and whole tiles
    for (const [x, y, width, height] of [[10, 10, 50, 40], [0, 0, 256, 256]] as const) {
      const err = await slide.readRegion({ x, y, level: 0, width, height }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(WsiError);
      expect(err).toMatchObject({ code: "DECODE_FAILED", path: file });
      expect((err as Error).message).toMatch(/tile \d+ of IFD/);
    }
    await slide.close();
  });
});

describe("regions over a missing tile", () => {
  it("read the missing tile's part as transparent, whatever path paints the other tiles (whole, windows, read ahead)", async () => {
    const full = path.join(dir, "all-tiles.tiff");
    const holed = path.join(dir, "missing-tile.tiff");
    const tiles = cutTiles(testPicture(520, 390), 520, 390, 3, 128, 128);
    const split = (await Promise.all(tiles.map((t) => jpegOf(t, 128, 128, 80, "4:4:4")))).map(splitJpegTables);
    const write = (file: string, missing: number) => writeFileSync(file, buildTiff([{
      tiled: true,
      chunks: split.map((c, i) => (i === missing ? new Uint8Array(0) : c.abbreviated)),
      tags: [
        ...basicTags({ width: 520, height: 390, compression: 7, photometric: 6, tile: [128, 128] }),
        { tag: 530, type: "short", value: [1, 1] },
        { tag: 347, type: "undefined", value: (split[0] as { tables: Uint8Array }).tables },
      ],
    }]));
    write(full, -1);
    write(holed, 6); // tile (1, 1): pixels x 128–255, y 128–255
    const reference = await openSlide(full);
    const slide = await openSlide(holed);
    // straddling windows, then a left-to-right scan (whole tiles, read ahead), then exactly the missing tile
    const regions = [[100, 100, 90, 70], [60, 150, 224, 100], [0, 128, 128, 128], [128, 128, 128, 128], [256, 128, 128, 128], [130, 200, 300, 40], [128, 128, 128, 128]] as const;
    for (const [x, y, width, height] of regions) {
      const got = (await slide.readRegion({ x, y, level: 0, width, height })).data;
      const want = (await reference.readRegion({ x, y, level: 0, width, height })).data;
      for (let r = 0; r < height; r++) {
        for (let c = 0; c < width; c++) {
          const inHole = x + c >= 128 && x + c < 256 && y + r >= 128 && y + r < 256;
          const at = (r * width + c) * 4;
          const pixel = Array.from(got.subarray(at, at + 4));
          const expected = inHole ? [0, 0, 0, 0] : Array.from(want.subarray(at, at + 4));
          if (pixel.join() !== expected.join()) expect(pixel, `region ${x},${y} ${width}x${height} pixel ${c},${r}`).toEqual(expected);
        }
      }
    }
    await slide.close();
    await reference.close();
  });
});

/**
 * Random level-0 224² reads, edge-overlapping ones and the tolerance against OpenSlide. With the
 * native decoder the region reader decodes windows of these tiles; with sharp (OSFM_WSI_NATIVE=0) whole tiles.
 */
async function checkAgainstOpenSlide(file: string, width: number, height: number): Promise<void> {
  const source = await FileSource.open(file);
  try {
    const tiff = await readTiff(source);
    const windows = tiledLevel(new TiffImage(tiff, tiff.ifds[0] as (typeof tiff.ifds)[number])).readTileWindows;
    expect(windows !== undefined).toBe(nativeJpegActive());
  } finally {
    await source.close();
  }
  const slide = await openSlide(file);
  const regions: RegionTuple[] = [
    ...randomRegions(slide.levels.slice(0, 1), 30, 99, 224),
    [width - 100, height - 60, 0, 224, 224], [-50, -70, 0, 224, 224], [width - 5, 17, 0, 30, 40], [13, height - 1, 0, 224, 3],
  ];
  const ref = openslideDump(file, { regions });
  expect(ref.open_error).toBeUndefined();
  const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
  expect(worstMean).toBeLessThanOrEqual(1.0);
  expect(worstMax).toBeLessThanOrEqual(16);
  // read twice more: tiles read in part twice are then decoded whole and cached; same answers
  for (let pass = 0; pass < 2; pass++) expect(await worstRegionDiff(slide, regions, ref.regions)).toEqual({ worstMean, worstMax });
  await slide.close();
}

describe.skipIf(!nativeJpegActive() || !haveOpenSlide())("native decoder against OpenSlide", () => {
  it.skipIf(!haveFixtures)("Aperio photometric-RGB JPEG tiles (CMU-1-Small-Region): random and edge-overlapping 224² regions", async () => {
    await checkAgainstOpenSlide(fixture("aperio_CMU-1-Small-Region.svs"), 2220, 2967);
  });

  for (const subsampling of ["4:2:0", "4:4:4"] as const) {
    it(`YCbCr ${subsampling} JPEG tiles with JPEGTables: random and edge-overlapping regions`, async () => {
      const file = path.join(dir, `ycbcr-${subsampling.replaceAll(":", "")}.tiff`);
      await jpegTiff(file, subsampling);
      await checkAgainstOpenSlide(file, 520, 390);
    });
  }
});

describe.skipIf(!haveOpenSlide())("sharp fallback (OSFM_WSI_NATIVE=0, as without the addon) against OpenSlide", () => {
  const previous = process.env.OSFM_WSI_NATIVE;
  beforeAll(() => { process.env.OSFM_WSI_NATIVE = "0"; });
  afterAll(() => {
    if (previous === undefined) delete process.env.OSFM_WSI_NATIVE;
    else process.env.OSFM_WSI_NATIVE = previous;
  });

  it.skipIf(!haveFixtures)("Aperio photometric-RGB JPEG tiles (CMU-1-Small-Region)", async () => {
    expect(nativeJpegActive()).toBe(false);
    await checkAgainstOpenSlide(fixture("aperio_CMU-1-Small-Region.svs"), 2220, 2967);
  });

  it("YCbCr 4:2:0 JPEG tiles with JPEGTables", async () => {
    const file = path.join(dir, "ycbcr-420-sharp.tiff");
    await jpegTiff(file, "4:2:0");
    await checkAgainstOpenSlide(file, 520, 390);
  });
});
