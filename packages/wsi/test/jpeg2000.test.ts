import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSlide } from "../src/index";
import { encodeJ2k, rgbToYcbcr } from "./helpers/j2k-encoder";
import { halve } from "./helpers/pyramid";
import { basicTags, buildTiff, cutTiles, type ImageSpec, testPicture } from "./helpers/tiff-builder";
import { haveOpenSlide, openslideDump, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-j2k-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const aperioDescription = (w: number, h: number) => `Aperio Image Library v12.0.15 \r\n${w}x${h} [0,0 ${w}x${h}] (128x128) J2K/YUV16 Q=70|AppMag = 40|MPP = 0.2527|Filename = j2k-test`;

/** An Aperio-style SVS whose tiles are JPEG 2000 codestreams (33003: YCbCr components, 33005: RGB). */
async function j2kSvs(compression: 33003 | 33005, lossless: boolean): Promise<ImageSpec[]> {
  let level = { data: testPicture(400, 300), width: 400, height: 300 };
  const images: ImageSpec[] = [];
  for (let i = 0; i < 2; i++) {
    const tiles = cutTiles(level.data, level.width, level.height, 3, 128, 128);
    const chunks = await Promise.all(tiles.map((t) => encodeJ2k(compression === 33003 ? rgbToYcbcr(t) : t, 128, 128, 3, lossless)));
    images.push({
      tiled: true,
      chunks,
      tags: basicTags({ width: level.width, height: level.height, compression, tile: [128, 128], description: aperioDescription(400, 300), photometric: 2 }),
    });
    level = halve(level.data, level.width, level.height, 3);
  }
  return images;
}

describe.skipIf(!haveOpenSlide())("Aperio JPEG 2000 tiles (OpenJPEG WebAssembly) against OpenSlide", () => {
  for (const [compression, lossless] of [[33005, true], [33003, true], [33003, false]] as const) {
    it(`compression ${compression}${lossless ? " (lossless)" : " (lossy)"}: 50 regions per level within JPEG 2000 tolerance`, async () => {
      const file = path.join(dir, `j2k-${compression}-${lossless}.svs`);
      writeFileSync(file, buildTiff(await j2kSvs(compression, lossless)));
      const slide = await openSlide(file);
      const regions = randomRegions(slide.levels, 50, 9);
      const ref = openslideDump(file, { regions });
      expect(ref.open_error).toBeUndefined();
      expect(slide.vendor).toBe("aperio");
      expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
      expect(slide.mpp).toEqual({ x: 0.2527, y: 0.2527 });
      const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
      // JPEG 2000 tolerance of the issue: mean |Δ| ≤ 1.0, max |Δ| ≤ 16 (same OpenJPEG, so usually exact)
      expect(worstMean).toBeLessThanOrEqual(1.0);
      expect(worstMax).toBeLessThanOrEqual(16);
      await slide.close();
    });
  }
});
