import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSlide, WsiError } from "../src/index";
import { encodeLzw } from "./helpers/encoders";
import { fixture, haveFixtures } from "./fixtures";
import { losslessPyramid } from "./helpers/pyramid";
import { buildTiff } from "./helpers/tiff-builder";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("decode worker pool", () => {
  it("workers: 2 returns exactly what the main thread decodes (LZW and Aperio JPEG)", async () => {
    const file = path.join(dir, "lzw.tiff");
    writeFileSync(file, buildTiff(losslessPyramid({ width: 700, height: 500, levels: 2, tile: 128, compression: 5, encode: encodeLzw })));
    const files = haveFixtures ? [file, fixture("aperio_CMU-1-Small-Region.svs")] : [file];
    for (const f of files) {
      const main = await openSlide(f, { workers: 0 });
      const pooled = await openSlide(f, { workers: 2 });
      for (const [x, y, level] of [[0, 0, 0], [333, 211, 0], [-50, 400, 0], [10, 10, main.levels.length - 1]] as const) {
        const a = await main.readRegion({ x, y, level, width: 300, height: 200 });
        const b = await pooled.readRegion({ x, y, level, width: 300, height: 200 });
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${f} ${x},${y}`).toBe(0);
      }
      await main.close();
      await pooled.close();
    }
  });

  it("an aborted read rejects with ABORTED naming the file (before reading; with workers also while decoding)", async () => {
    const file = path.join(dir, "lzw-big.tiff");
    writeFileSync(file, buildTiff(losslessPyramid({ width: 1280, height: 1024, levels: 1, tile: 256, compression: 5, encode: encodeLzw })));
    for (const workers of [0, 2]) {
      const slide = await openSlide(file, { workers, cacheBytes: 0 });
      const before = new AbortController();
      before.abort();
      await expect(slide.readRegion({ x: 0, y: 0, level: 0, width: 100, height: 100, signal: before.signal })).rejects.toMatchObject({ code: "ABORTED", path: file });
      if (workers > 0) {
        // with workers the main thread stays free, so an abort lands while tiles are being decoded
        const during = new AbortController();
        const p = slide.readRegion({ x: 0, y: 0, level: 0, width: 1280, height: 1024, signal: during.signal });
        setTimeout(() => during.abort(), 1);
        const err = await p.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WsiError);
        expect((err as WsiError).code).toBe("ABORTED");
      }
      // the slide still works afterwards
      const ok = await slide.readRegion({ x: 5, y: 5, level: 0, width: 10, height: 10 });
      expect(ok.data.length).toBe(400);
      await slide.close();
    }
  });
});
