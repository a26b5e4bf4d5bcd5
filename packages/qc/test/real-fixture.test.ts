import { existsSync } from "node:fs";
import path from "node:path";
import { openSlide, WsiError } from "@osfm/wsi";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { computeQc } from "../src/compute";
import { fixturesDir, runQcReference } from "./support/reference";

const CMU = path.join(fixturesDir, "aperio_CMU-1-Small-Region.svs");
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe.skipIf(!existsSync(CMU))("real fixture aperio_CMU-1-Small-Region.svs", () => {
  it("gives plausible QC: tissue present, not excluded, a 766x1024 thumbnail", async () => {
    const slide = await openSlide(CMU);
    try {
      const qc = await computeQc(slide);
      expect([qc.thumbnail.width, qc.thumbnail.height]).toEqual([766, 1024]);
      expect(qc.tissuePct).toBeGreaterThan(0.2);
      expect(qc.tissuePct).toBeLessThan(0.5);
      expect(qc.blurVar).toBeGreaterThan(1000);
      expect(qc.penPct).toBeLessThan(0.02);
      expect(qc.excluded).toBe(false);
      expect(qc.reasons).toEqual([]);
      expect(qc.masks.tissue.downsample).toBeCloseTo(2220 / 766, 12);
      // the original pen band calls eosin "pen" and would exclude this slide
      const original = await computeQc(slide, { penRule: "original" });
      expect(original.penPct).toBeGreaterThan(0.2);
      expect(original.reasons).toEqual(["pen>0.02"]);
    } finally {
      await slide.close();
    }
  });

  it("parity with the Python reference: identical on our thumbnail, within 1 % on OpenSlide's own thumbnail", async () => {
    const slide = await openSlide(CMU);
    const qc = await computeQc(slide, { penRule: "original" });
    await slide.close();
    const png = path.join(testTempDir("qc-cmu-"), "thumb.png");
    const t = qc.thumbnail;
    await sharp(Buffer.from(t.data), { raw: { width: t.width, height: t.height, channels: 4 } }).png().toFile(png);
    const same = runQcReference(["--image", png]);
    expect(qc.tissuePct).toBe(same.tissue_pct);
    expect(qc.whitePct).toBe(same.white_pct);
    expect(qc.penPct).toBe(same.pen_pct);
    expect(rel(qc.blurVar, same.blur_var)).toBeLessThan(1e-9);
    const os = runQcReference(["--slide", CMU]);
    expect([os.width, os.height]).toEqual([766, 1024]);
    expect(rel(qc.tissuePct, os.tissue_pct)).toBeLessThan(0.01);
    expect(rel(qc.whitePct, os.white_pct)).toBeLessThan(0.01);
    expect(rel(qc.penPct, os.pen_pct)).toBeLessThan(0.01);
    expect(rel(qc.blurVar, os.blur_var)).toBeLessThan(0.01);
  });

  it("bad input: a 16x16 slide gives a clear 'smaller than requested' warning and a thumb<64 exclusion; a corrupt one a WsiError", async () => {
    const small = await openSlide(path.join(fixturesDir, "aperio_small_16x16.svs"));
    const qc = await computeQc(small);
    await small.close();
    expect([qc.thumbnail.width, qc.thumbnail.height]).toEqual([16, 16]);
    expect(qc.warnings.join()).toMatch(/thumbnail 16x16 is smaller than the requested 1024 px \(the slide itself is only 16x16\)/);
    expect(qc.reasons).toContain("thumb<64");
    expect(qc.excluded).toBe(true);
    const bad = await openSlide(path.join(fixturesDir, "bad_unreadable.svs"));
    await expect(computeQc(bad)).rejects.toBeInstanceOf(WsiError);
    await bad.close();
  });
});
