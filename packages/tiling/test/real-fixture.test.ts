import { existsSync } from "node:fs";
import path from "node:path";
import { computeQc } from "@osfm/qc";
import { openSlide } from "@osfm/wsi";
import { describe, expect, it } from "vitest";
import { readTile } from "../src/read-tile";
import { tileSlide } from "../src/tile-slide";
import { fixturesDir } from "./support/reference";

const CMU = path.join(fixturesDir, "aperio_CMU-1-Small-Region.svs");

describe.skipIf(!existsSync(CMU))("real fixtures", () => {
  it("CMU-1-Small-Region (one level, 0.499 µm/px): a non-empty manifest at both scales and encoder-ready tiles", async () => {
    const slide = await openSlide(CMU);
    try {
      const qc = await computeQc(slide);
      const m = tileSlide(slide, qc.masks.tissue);
      expect(m.mppSource).toBe("file");
      expect(m.scales.map((s) => [s.level, s.readSizePx])).toEqual([[0, 257], [0, 1026]]);
      expect(m.scales[0]!.selected).toBeGreaterThan(20);
      expect(m.scales[1]!.selected).toBeGreaterThan(0);
      for (const s of m.scales) expect(Math.abs(s.tileSideUm - 256 * s.scaleUmPerPx) / (256 * s.scaleUmPerPx)).toBeLessThan(0.005);
      const row = m.rows.reduce((a, b) => (b.coverage > a.coverage ? b : a));
      const tile = await readTile(slide, row);
      expect([tile.width, tile.height, tile.data.length]).toEqual([224, 224, 224 * 224 * 3]);
      let mean = 0;
      for (const v of tile.data) mean += v;
      mean /= tile.data.length;
      expect(mean).toBeLessThan(215); // a tissue tile, not glass
    } finally {
      await slide.close();
    }
  });

  it("generic_boxes.tiff (no mpp, four levels): MISSING_MPP naming the file unless mpp is supplied", async () => {
    const file = path.join(fixturesDir, "generic_boxes.tiff");
    const slide = await openSlide(file);
    try {
      const qc = await computeQc(slide);
      expect(() => tileSlide(slide, qc.masks.tissue)).toThrow(expect.objectContaining({ code: "MISSING_MPP", subject: file }));
      const m = tileSlide(slide, qc.masks.tissue, { mpp: 0.25, tileSizePx: 16, stridePx: 16, budgets: { 0.5: 1200, 2: 400 } });
      expect(m.mppSource).toBe("user");
      expect(m.scales[0]!.level).toBe(1); // 0.5 µm/px = level 1 (downsample 2) at 0.25 µm/px
    } finally {
      await slide.close();
    }
  });
});
