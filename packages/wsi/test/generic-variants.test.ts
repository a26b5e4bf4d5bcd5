import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFormat, openSlide } from "../src/index";
import { encodeDeflate } from "./helpers/encoders";
import { splitJpegTables } from "./helpers/jpeg-split";
import { halve, jpegOf, losslessPyramid } from "./helpers/pyramid";
import { basicTags, buildTiff, cutTiles, type ImageSpec, testPicture } from "./helpers/tiff-builder";
import { diffStats, haveOpenSlide, openslideDump, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-generic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A two-level YCbCr JPEG tiled pyramid; `shared` moves the tables into JPEGTables (tag 347). */
async function ycbcrPyramid(shared: boolean, subsampling: string): Promise<ImageSpec[]> {
  let level = { data: testPicture(520, 390), width: 520, height: 390 };
  const images: ImageSpec[] = [];
  for (let i = 0; i < 2; i++) {
    const raw = cutTiles(level.data, level.width, level.height, 3, 128, 128);
    const jpegs = await Promise.all(raw.map((t) => jpegOf(t, 128, 128, 80, subsampling)));
    const split = jpegs.map(splitJpegTables);
    const sub = subsampling === "4:2:0" ? [2, 2] : [1, 1];
    images.push({
      tiled: true,
      chunks: shared ? split.map((s) => s.abbreviated) : jpegs,
      tags: [
        ...basicTags({ width: level.width, height: level.height, compression: 7, photometric: 6, tile: [128, 128], subfile: i === 0 ? undefined : 1 }),
        { tag: 530, type: "short", value: sub },
        ...(shared ? [{ tag: 347, type: "undefined" as const, value: (split[0] as { tables: Uint8Array }).tables }] : []),
      ],
    });
    level = halve(level.data, level.width, level.height, 3);
  }
  return images;
}

describe.skipIf(!haveOpenSlide())("generic TIFF variants against OpenSlide", () => {
  for (const [shared, sub] of [[true, "4:2:0"], [false, "4:2:0"], [true, "4:4:4"]] as const) {
    it(`YCbCr JPEG tiles ${sub}${shared ? " with shared JPEGTables" : ""}: within JPEG tolerance`, async () => {
      const file = path.join(dir, `ycbcr-${shared}-${sub.replaceAll(":", "")}.tiff`);
      writeFileSync(file, buildTiff(await ycbcrPyramid(shared, sub)));
      const slide = await openSlide(file);
      const regions = randomRegions(slide.levels, 50, 11);
      const ref = openslideDump(file, { regions });
      expect(ref.open_error).toBeUndefined();
      expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
      const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
      // Issue tolerance for JPEG: mean |Δ| ≤ 1.0, max |Δ| ≤ 16 per channel.
      expect(worstMean).toBeLessThanOrEqual(1.0);
      expect(worstMax).toBeLessThanOrEqual(16);
      await slide.close();
    });
  }

  it("an untiled (stripped) main image is refused with UNTILED, as OpenSlide refuses it", async () => {
    const data = testPicture(100, 80);
    const file = path.join(dir, "stripped.tiff");
    writeFileSync(file, buildTiff([{ tiled: false, chunks: [encodeDeflate(data)], tags: basicTags({ width: 100, height: 80, compression: 8 }) }]));
    expect(openslideDump(file).open_error).toBeDefined();
    expect(await detectFormat(file)).toBeUndefined();
    await expect(openSlide(file)).rejects.toMatchObject({ code: "UNTILED", path: file });
  });

  it("levels listed in SubIFDs (tag 330) become pyramid levels", async () => {
    const [l0, l1, l2] = losslessPyramid({ width: 300, height: 200, levels: 3, tile: 64, compression: 8, encode: encodeDeflate });
    const withSub: ImageSpec = { ...(l0 as ImageSpec), subIfds: [l1 as ImageSpec, l2 as ImageSpec] };
    const subFile = path.join(dir, "subifd.tiff");
    const chainFile = path.join(dir, "chain.tiff");
    writeFileSync(subFile, buildTiff([withSub]));
    writeFileSync(chainFile, buildTiff([l0 as ImageSpec, l1 as ImageSpec, l2 as ImageSpec]));
    const sub = await openSlide(subFile);
    const chain = await openSlide(chainFile);
    expect(sub.levels).toEqual(chain.levels);
    expect(sub.levels.map((l) => l.width)).toEqual([300, 150, 75]);
    // the SubIFD pyramid reads exactly what the chained one (checked against OpenSlide elsewhere) reads
    for (const [x, y, level] of [[0, 0, 1], [37, 51, 2], [-20, 190, 1]] as const) {
      const a = await sub.readRegion({ x, y, level, width: 40, height: 30 });
      const b = await chain.readRegion({ x, y, level, width: 40, height: 30 });
      expect(diffStats(a.data, b.data).max).toEqual([0, 0, 0, 0]);
    }
    await sub.close();
    await chain.close();
  });
});
