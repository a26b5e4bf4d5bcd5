import { describe, expect, it } from "vitest";
import { detectFormat, openSlide } from "../src/index";
import { fixture, haveFixtures } from "./fixtures";
import { diffStats, haveOpenSlide, openslideDump, randomRegions } from "./openslide";

/** Fixtures OpenSlide opens, and whether their pixels are lossless (exact match required). */
const cases: { name: string; lossless: boolean }[] = [
  { name: "aperio_CMU-1-Small-Region.svs", lossless: false },
  { name: "aperio_small_16x16.svs", lossless: false },
  { name: "generic_boxes.tiff", lossless: true },
];

describe.skipIf(!haveFixtures || !haveOpenSlide())("parity with OpenSlide on shared fixtures", () => {
  for (const { name, lossless } of cases) {
    it(`${name}: metadata, 60 random regions per level, associated images`, async () => {
      const path = fixture(name);
      const slide = await openSlide(path);
      const regions = randomRegions(slide.levels, 60, 1234);
      const ref = openslideDump(path, { regions, associated: true });
      expect(await detectFormat(path)).toBe(ref.detect_format);
      expect(slide.vendor).toBe(ref.vendor);
      expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
      slide.levels.forEach((l, i) => expect(l.downsample).toBeCloseTo(ref.level_downsamples[i] as number, 9));
      expect(slide.levels.map((l) => [l.tileWidth, l.tileHeight])).toEqual(ref.tile_sizes);
      expect(slide.mpp === undefined ? null : [slide.mpp.x, slide.mpp.y]).toEqual(ref.mpp);
      expect(slide.objectivePower ?? null).toEqual(ref.objective_power);
      // every property, openslide.quickhash-1 included
      expect(slide.properties).toEqual(ref.properties);
      expect(Object.fromEntries(slide.associatedImageNames.map((n) => [n, null]))).toEqual(Object.fromEntries(Object.keys(ref.associated).map((n) => [n, null])));
      let worstMean = 0;
      let worstMax = 0;
      for (let i = 0; i < regions.length; i++) {
        const [x, y, level, width, height] = regions[i] as [number, number, number, number, number];
        const ours = await slide.readRegion({ x, y, level, width, height });
        const theirs = new Uint8Array(Buffer.from(ref.regions[i]?.data ?? "", "base64"));
        const d = diffStats(ours.data, theirs);
        worstMean = Math.max(worstMean, ...d.mean);
        worstMax = Math.max(worstMax, ...d.max);
        if (lossless) expect(d.max, `region ${regions[i]?.join(",")}`).toEqual([0, 0, 0, 0]);
      }
      // JPEG tolerance of the issue: mean |Δ| ≤ 1.0 and max |Δ| ≤ 16 per channel.
      expect(worstMean).toBeLessThanOrEqual(1.0);
      expect(worstMax).toBeLessThanOrEqual(16);
      for (const [n, px] of Object.entries(ref.associated_pixels ?? {})) {
        const img = await slide.readAssociatedImage(n);
        expect([img.width, img.height]).toEqual(ref.associated[n]);
        const d = diffStats(img.data, new Uint8Array(Buffer.from(px.data ?? "", "base64")));
        expect(Math.max(...d.mean)).toBeLessThanOrEqual(1.0);
        expect(Math.max(...d.max)).toBeLessThanOrEqual(16);
      }
      await slide.close();
    });
  }
});
