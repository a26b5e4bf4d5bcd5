import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFormat, openSlide } from "../src/index";
import { buildPhilipsImages } from "./helpers/philips-builder";
import { buildTiff } from "./helpers/tiff-builder";
import { diffStats, haveOpenSlide, openslideDump, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-philips-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveOpenSlide())("Philips TIFF (XML ImageDescription) against OpenSlide", () => {
  for (const jpeg of [false, true]) {
    it(`${jpeg ? "JPEG" : "Deflate"} tiles: levels from the XML, mpp, properties, label/macro, 50 regions per level`, async () => {
      const file = path.join(dir, `slide-${jpeg ? "jpeg" : "deflate"}.tiff`);
      writeFileSync(file, buildTiff(await buildPhilipsImages(1000, 700, 256, jpeg), { bigTiff: jpeg }));
      expect(await detectFormat(file)).toBe("philips");
      const slide = await openSlide(file);
      const regions = randomRegions(slide.levels, 50, 5);
      const ref = openslideDump(file, { regions, associated: true });
      expect(ref.open_error).toBeUndefined();
      expect(slide.vendor).toBe("philips");
      expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
      slide.levels.forEach((l, i) => expect(l.downsample).toBeCloseTo(ref.level_downsamples[i] as number, 9));
      expect(slide.mpp === undefined ? null : [slide.mpp.x, slide.mpp.y]).toEqual(ref.mpp);
      // every property, openslide.quickhash-1 included
      expect(slide.properties).toEqual(ref.properties);
      const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
      // exact for Deflate; the JPEG tolerance otherwise
      expect(worstMax).toBeLessThanOrEqual(jpeg ? 16 : 0);
      expect(worstMean).toBeLessThanOrEqual(jpeg ? 1.0 : 0);
      for (const name of ["label", "macro"]) {
        const img = await slide.readAssociatedImage(name);
        expect([img.width, img.height]).toEqual(ref.associated[name]);
        const d = diffStats(img.data, new Uint8Array(Buffer.from(ref.associated_pixels?.[name]?.data ?? "", "base64")));
        expect(Math.max(...d.max)).toBeLessThanOrEqual(16);
      }
      await slide.close();
    });
  }
});
