import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { stackJpegTiles } from "../codecs/jpeg-stack";
import { FileSource } from "../io/file-source";
import { openSlide } from "../open";
import { readTiff, tagBytes, tagNumber, tagNumbers } from "../tiff/ifd";
import { TiffImage } from "../tiff/image";
import { Photometric, Tag } from "../tiff/tags";
import { abbreviateJpeg, jpegTablesStream, splitJpegTables } from "./jpeg-tables";
import type { SlideSource, WriteSlideOptions } from "./types";
import { writeSlide } from "./write-slide";

const dir = mkdtempSync(join(tmpdir(), "osfm-jpeg-tables-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Markers of the header segments (SOI excluded) up to and including SOS, read independently of the writer. */
function headerMarkers(stream: Uint8Array): number[] {
  const markers: number[] = [];
  let p = 2;
  while (p + 4 <= stream.length && stream[p] === 0xff) {
    const m = stream[p + 1] as number;
    markers.push(m);
    if (m === 0xda) break;
    p += 2 + (((stream[p + 2] as number) << 8) | (stream[p + 3] as number));
  }
  return markers;
}

function sofSampling(stream: Uint8Array): [number, number][] {
  let p = 2;
  while (stream[p + 1] !== 0xc0) p += 2 + (((stream[p + 2] as number) << 8) | (stream[p + 3] as number));
  const n = stream[p + 9] as number;
  return Array.from({ length: n }, (_, c) => [(stream[p + 11 + 3 * c] as number) >> 4, (stream[p + 11 + 3 * c] as number) & 15]);
}

function texture(width: number, height: number, seed = 1): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      out[o] = 128 + 100 * Math.sin((x + seed) / 9);
      out[o + 1] = 128 + 90 * Math.cos((y * seed) / 13);
      out[o + 2] = ((x * 7) ^ (y * 3)) & 255;
    }
  }
  return out;
}

const decode = async (stream: Uint8Array) => sharp(stream).raw().toBuffer();

describe("splitting JPEG streams into shared tables and abbreviated tiles", () => {
  it("tables + abbreviated stream decode to the same pixels as the full stream; APP0 is dropped", async () => {
    const plain = await sharp(texture(64, 48), { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 80, optimiseCoding: false }).toBuffer();
    // libvips writes no JFIF marker; other encoders (libjpeg's cjpeg, PIL) do: add one after SOI.
    const jfif = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
    const full = Buffer.concat([plain.subarray(0, 2), Buffer.from(jfif), plain.subarray(2)]);
    expect(headerMarkers(full)).toContain(0xe0); // JFIF APP0 present before splitting
    const { tables, abbreviated } = splitJpegTables(full);
    expect(headerMarkers(abbreviated).filter((m) => m === 0xdb || m === 0xc4 || m === 0xe0)).toEqual([]);
    expect(abbreviated[abbreviated.length - 2]).toBe(0xff);
    expect(abbreviated[abbreviated.length - 1]).toBe(0xd9);
    const tablesStream = jpegTablesStream(tables);
    expect([...tablesStream.subarray(0, 2), ...tablesStream.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    // Reassemble as a TIFF reader does: tables right after the tile's SOI.
    const rebuilt = Buffer.concat([abbreviated.subarray(0, 2), tables, abbreviated.subarray(2)]);
    expect((await decode(rebuilt)).equals(await decode(full))).toBe(true);
  });

  it("a tile whose tables differ from the shared ones keeps its own (still decodable alone)", async () => {
    const raw = { raw: { width: 32, height: 32, channels: 3 as const } };
    const a = await sharp(texture(32, 32), raw).jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
    const b = await sharp(texture(32, 32, 5), raw).jpeg({ quality: 40, optimiseCoding: false }).toBuffer();
    const shared = splitJpegTables(a).tables;
    expect(abbreviateJpeg(a, shared).shared).toBe(true);
    const kept = abbreviateJpeg(b, shared);
    expect(kept.shared).toBe(false);
    expect(headerMarkers(kept.data)).toContain(0xdb);
    expect((await decode(kept.data)).equals(await decode(b))).toBe(true);
  });

  it("rejects streams that are not JPEG", () => {
    expect(() => splitJpegTables(new Uint8Array([0, 1, 2, 3, 4]))).toThrow(/SOI/);
    expect(() => splitJpegTables(new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43]))).toThrow(/past the end|SOS/);
  });
});

function source(width: number, height: number): SlideSource {
  return {
    width,
    height,
    mpp: 0.5,
    objectivePower: 20,
    readRegion: (x, y, w, h) => {
      const out = new Uint8Array(w * h * 3);
      for (let j = 0; j < h; j++) {
        for (let i = 0; i < w; i++) {
          const o = (j * w + i) * 3;
          const X = x + i;
          const Y = y + j;
          out[o] = 180 + 60 * Math.sin(X / 23);
          out[o + 1] = 120 + 80 * Math.cos(Y / 31);
          out[o + 2] = ((X >> 3) ^ (Y >> 3)) & 1 ? 210 : 90;
        }
      }
      return out;
    },
  };
}

describe("writeSlide JPEG tiles share one JPEGTables per image", () => {
  const cases: { name: string; options: WriteSlideOptions; sampling: number }[] = [
    { name: "svs 4:4:4", options: { format: "svs", compression: "jpeg", quality: 85 }, sampling: 1 },
    { name: "tiff 4:4:4", options: { format: "tiff", compression: "jpeg", quality: 90 }, sampling: 1 },
    { name: "tiff 4:2:0", options: { format: "tiff", compression: "jpeg", quality: 90, chromaSubsampling: "4:2:0" }, sampling: 2 },
  ];
  for (const c of cases) {
    it(`${c.name}: tiles are abbreviated (no DQT/DHT/APP0), tag 347 holds the tables, headers consistent`, async () => {
      const path = join(dir, `${c.name.replace(/\W+/g, "-")}.${c.options.format}`);
      const label = { width: 100, height: 60, data: texture(100, 60) };
      await writeSlide(path, source(1300, 900), { ...c.options, label, minLevelSize: 200, thumbnailMaxSize: 300 });
      const file = await FileSource.open(path);
      try {
        const tiff = await readTiff(file);
        expect(tiff.ifds.length).toBeGreaterThanOrEqual(4); // levels, thumbnail, label
        for (const ifd of tiff.ifds) {
          const tables = tagBytes(ifd, Tag.JPEGTables) as Uint8Array;
          expect(tables, `IFD at ${ifd.offset}`).toBeDefined();
          expect([...tables.subarray(0, 2), ...tables.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
          const tableMarkers = headerMarkers(tables.subarray(0, -2));
          expect(tableMarkers.filter((m) => m === 0xdb).length).toBeGreaterThanOrEqual(1);
          expect(tableMarkers.filter((m) => m === 0xc4).length).toBeGreaterThanOrEqual(2);
          expect(tagNumber(ifd, Tag.PhotometricInterpretation)).toBe(Photometric.YCbCr);
          expect(tagNumbers(ifd, Tag.YCbCrSubsampling)).toEqual([c.sampling, c.sampling]);
          const image = new TiffImage(tiff, ifd);
          const raws = await Promise.all(Array.from({ length: image.tileCount }, async (_, i) => (await image.readRaw(i)) as Uint8Array));
          const header = (t: Uint8Array) => Buffer.from(t.subarray(0, t.indexOf(0xda, 2) + 1));
          for (const raw of raws) {
            expect(headerMarkers(raw)).toEqual([0xc0, 0xda]); // SOF0 and SOS only: no tables, no APP0
            expect([raw[0], raw[1], raw[raw.length - 2], raw[raw.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
            // SOF sampling factors agree with YCbCrSubsampling (luma c × c, chroma 1 × 1)
            expect(sofSampling(raw)).toEqual([[c.sampling, c.sampling], [1, 1], [1, 1]]);
            if (image.tiled) expect(header(raw).equals(header(raws[0] as Uint8Array))).toBe(true);
          }
          if (image.tiled && c.sampling === 1 && raws.length >= 2) {
            // Same header in every tile: the reader decodes several per libjpeg call, as for Aperio.
            expect(stackJpegTiles(raws.slice(0, 4), image.jpegTables, false, image.tileWidth, image.tileHeight)).toBeDefined();
            const indices = raws.map((_, i) => i).slice(0, 6);
            const together = await image.readTilesRgba(indices);
            const alone = await Promise.all(indices.map((i) => image.readTileRgba(i)));
            together.forEach((t, k) => expect(Buffer.from(t as Uint8Array).equals(Buffer.from(alone[k] as Uint8Array))).toBe(true));
          }
        }
      } finally {
        await file.close();
      }
      if (c.options.format === "tiff") {
        // libtiff's own JPEG codec (libvips tiffload: JPEGTables + abbreviated tiles) gives the reader's pixels.
        const lib = await sharp(path, { page: 0 }).removeAlpha().raw().toBuffer();
        const slide = await openSlide(path);
        const ours = await slide.readRegion({ x: 0, y: 0, level: 0, width: 1300, height: 900 });
        await slide.close();
        let sum = 0;
        let max = 0;
        for (let i = 0; i < 1300 * 900; i++) {
          for (let ch = 0; ch < 3; ch++) {
            const d = Math.abs((lib[i * 3 + ch] as number) - (ours.data[i * 4 + ch] as number));
            sum += d;
            max = Math.max(max, d);
          }
        }
        // Same libjpeg underneath: measured identical (0 / 0); allowed the JPEG tolerance.
        expect(sum / (1300 * 900 * 3)).toBeLessThanOrEqual(1.0);
        expect(max).toBeLessThanOrEqual(16);
      }
    });
  }
});
