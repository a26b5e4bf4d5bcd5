import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSlide, writeSlide, type SlideSource, type WriteSlideOptions } from "../src/index";
import { testPicture } from "./helpers/tiff-builder";
import { pictureSource } from "./helpers/picture-source";
import { diffStats, haveOpenSlide, openslideDump, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-written-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A synthetic level-0 source computed region by region (smooth gradients, sharp blocks). */
function source(width: number, height: number): SlideSource {
  return { ...pictureSource(width, height), mpp: 0.25, objectivePower: 40 };
}

const variants: { name: string; lossless: boolean; options: WriteSlideOptions }[] = [
  { name: "svs-jpeg", lossless: false, options: { format: "svs", compression: "jpeg", quality: 85, label: { width: 120, height: 80, data: testPicture(120, 80, 3, 2) }, macro: { width: 300, height: 100, data: testPicture(300, 100, 3, 3) }, thumbnailMaxSize: 256 } },
  { name: "svs-deflate", lossless: true, options: { format: "svs", compression: "deflate", levelDownsample: 2 } },
  { name: "tiff-jpeg", lossless: false, options: { format: "tiff", compression: "jpeg", quality: 90 } },
  { name: "tiff-jpeg-420", lossless: false, options: { format: "tiff", compression: "jpeg", chromaSubsampling: "4:2:0", quality: 90 } },
  { name: "tiff-deflate-bigtiff", lossless: true, options: { format: "tiff", compression: "deflate", bigTiff: true } },
];

describe.skipIf(!haveOpenSlide())("slides written by writeSlide: our reader agrees with OpenSlide", () => {
  for (const v of variants) {
    it(`${v.name}: metadata, 50 random regions per level, associated images`, async () => {
      const file = path.join(dir, `${v.name}.${v.options.format === "svs" ? "svs" : "tiff"}`);
      await writeSlide(file, source(1500, 1100), { tileSize: 256, minLevelSize: 200, ...v.options });
      const slide = await openSlide(file);
      const regions = randomRegions(slide.levels, 50, 77);
      const ref = openslideDump(file, { regions, associated: true });
      expect(ref.open_error).toBeUndefined();
      expect(slide.vendor).toBe(ref.vendor);
      expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
      slide.levels.forEach((l, i) => expect(l.downsample).toBeCloseTo(ref.level_downsamples[i] as number, 9));
      expect(slide.mpp === undefined ? null : [slide.mpp.x, slide.mpp.y]).toEqual(ref.mpp);
      expect(slide.objectivePower ?? null).toEqual(ref.objective_power);
      // every property, openslide.quickhash-1 included
      expect(slide.properties).toEqual(ref.properties);
      expect([...slide.associatedImageNames]).toEqual(Object.keys(ref.associated).sort());
      const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
      // exact for Deflate tiles; the JPEG tolerance (mean |Δ| ≤ 1, max |Δ| ≤ 16) otherwise
      expect(worstMax).toBeLessThanOrEqual(v.lossless ? 0 : 16);
      expect(worstMean).toBeLessThanOrEqual(v.lossless ? 0 : 1.0);
      for (const [name, px] of Object.entries(ref.associated_pixels ?? {})) {
        const img = await slide.readAssociatedImage(name);
        expect([img.width, img.height]).toEqual(ref.associated[name]);
        const d = diffStats(img.data, new Uint8Array(Buffer.from(px.data ?? "", "base64")));
        expect(Math.max(...d.max)).toBeLessThanOrEqual(16);
      }
      await slide.close();
    });
  }
});
