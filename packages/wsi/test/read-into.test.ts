import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSlide, writeSlide, type Slide } from "../src/index";
import { pictureSource } from "./helpers/picture-source";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-into-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 1500;
const H = 1100;
const file = path.join(dir, "into.svs");
beforeAll(async () => {
  await writeSlide(file, pictureSource(W, H), { format: "svs", compression: "jpeg", quality: 80, tileSize: 256, levelDownsample: 2 });
});

describe("readRegion({ into })", () => {
  it("writes exactly the pixels of a plain read into the caller's buffer, whatever was in it, on every paint path", async () => {
    const slide = await openSlide(file);
    const plain = await openSlide(file, { readAheadTiles: 0 });
    const buffer = new Uint8Array(300 * 300 * 4 + 100);
    const cases: [number, number, number, number, number][] = [
      [0, 0, 0, 256, 256], [256, 0, 0, 256, 256], [512, 0, 0, 256, 256], // a scan: tiles read ahead, exact tiles
      [100, 130, 0, 224, 224], [1400, 1000, 0, 256, 200], // straddling; over the level's edge
      [-50, -20, 0, 256, 256], [5000, 0, 0, 64, 64], // negative origin; outside the level
      [301, 77, 1, 200, 150], // level 1: fractional level coordinates (filtered paint)
      [0, 0, 0, 300, 300],
    ];
    for (const [x, y, level, width, height] of cases) {
      buffer.fill(99);
      const got = await slide.readRegion({ x, y, level, width, height, into: buffer });
      const want = await plain.readRegion({ x, y, level, width, height });
      expect(got.data.buffer, `${x},${y}`).toBe(buffer.buffer); // written in place, not a new buffer
      expect(got.data.length).toBe(width * height * 4);
      expect(Buffer.compare(Buffer.from(got.data), Buffer.from(want.data)), `${x},${y} level ${level}`).toBe(0);
      expect(buffer[width * height * 4]).toBe(99); // bytes past the region untouched
    }
    await slide.close();
    await plain.close();
  });

  it("an aborted read into the caller's buffer rejects only once nothing more is written into it", async () => {
    for (const [x, y, size] of [[100, 130, 224], [140, 50, 1200], [30, 20, 1000]] as const) {
      const slide = await openSlide(file); // cold: the region's edge tiles are decoded as windows straight into the buffer
      const buffer = new Uint8Array(size * size * 4).fill(99);
      const controller = new AbortController();
      const read = slide.readRegion({ x, y, level: 0, width: size, height: size, into: buffer, signal: controller.signal });
      controller.abort();
      let snapshot = new Uint8Array(0);
      const err = await read.catch((e: unknown) => { snapshot = buffer.slice(); return e; }); // as the read settles
      expect(err).toMatchObject({ code: "ABORTED" });
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(Buffer.compare(Buffer.from(buffer), Buffer.from(snapshot)), `${x},${y}`).toBe(0);
      await slide.close();
    }
  });

  it("rejects a buffer too small for the region with BAD_REQUEST", async () => {
    const slide: Slide = await openSlide(file);
    await expect(slide.readRegion({ x: 0, y: 0, level: 0, width: 256, height: 256, into: new Uint8Array(256 * 256 * 4 - 1) }))
      .rejects.toMatchObject({ code: "BAD_REQUEST", path: file });
    await slide.close();
  });
});
