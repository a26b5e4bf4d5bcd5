import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFormat, openSlide } from "../src/index";
import { buildNdpiImages } from "./helpers/ndpi-builder";
import sharp from "sharp";
import { buildTiff, type ImageSpec, testPicture } from "./helpers/tiff-builder";
import { diffStats, haveOpenSlide, openslideDump, randomRegions, worstRegionDiff } from "./openslide";

const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-ndpi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveOpenSlide())("Hamamatsu NDPI (JPEG strips with restart markers) against OpenSlide", () => {
  it("metadata, scaled levels, 50 random regions per level and the macro within JPEG tolerance", async () => {
    const file = path.join(dir, "slide.ndpi");
    writeFileSync(file, buildTiff(await buildNdpiImages(512, 200, 8), { ndpi: true }));
    expect(await detectFormat(file)).toBe("hamamatsu");
    const slide = await openSlide(file);
    const regions = randomRegions(slide.levels, 50, 21);
    const ref = openslideDump(file, { regions, associated: true });
    expect(ref.open_error).toBeUndefined();
    expect(slide.vendor).toBe(ref.vendor);
    expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
    slide.levels.forEach((l, i) => expect(l.downsample).toBeCloseTo(ref.level_downsamples[i] as number, 9));
    expect(slide.levels.map((l) => [l.tileWidth, l.tileHeight])).toEqual(ref.tile_sizes);
    expect(slide.mpp === undefined ? null : [slide.mpp.x, slide.mpp.y]).toEqual(ref.mpp);
    expect(slide.objectivePower).toBe(ref.objective_power);
    // every property, openslide.quickhash-1 included
    expect(slide.properties).toEqual(ref.properties);
    expect([...slide.associatedImageNames]).toEqual(Object.keys(ref.associated));
    const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
    // JPEG tolerance of the issue (scaled levels are OpenSlide's libjpeg-scaled decodes).
    expect(worstMean).toBeLessThanOrEqual(1.0);
    expect(worstMax).toBeLessThanOrEqual(16);
    const macro = await slide.readAssociatedImage("macro");
    const d = diffStats(macro.data, new Uint8Array(Buffer.from(ref.associated_pixels?.macro?.data ?? "", "base64")));
    expect(Math.max(...d.max)).toBeLessThanOrEqual(16);
    await slide.close();
  });

  it("a level without restart markers is one tile, with OpenSlide's scaled levels and pixels", async () => {
    const images = await buildNdpiImages(512, 200, 8);
    const l1 = images[1] as ImageSpec;
    l1.chunks = [new Uint8Array(await sharp(testPicture(256, 100, 3, 9), { raw: { width: 256, height: 100, channels: 3 } }).jpeg({ quality: 90, chromaSubsampling: "4:4:4" }).toBuffer())];
    l1.tags = l1.tags.filter((t) => t.tag !== 65426);
    const file = path.join(dir, "whole-level.ndpi");
    writeFileSync(file, buildTiff(images, { ndpi: true }));
    const slide = await openSlide(file);
    const regions = randomRegions(slide.levels, 50, 8);
    const ref = openslideDump(file, { regions });
    expect(slide.levels.map((l) => [l.width, l.height])).toEqual(ref.level_dimensions);
    expect(slide.levels.map((l) => [l.tileWidth, l.tileHeight])).toEqual(ref.tile_sizes);
    expect(slide.properties).toEqual(ref.properties);
    const { worstMean, worstMax } = await worstRegionDiff(slide, regions, ref.regions);
    expect(worstMean).toBeLessThanOrEqual(1.0);
    expect(worstMax).toBeLessThanOrEqual(16);
    await slide.close();
  });

  it("is recognised by its NDPI tags whatever the file name, as OpenSlide 3.4.1 does", async () => {
    const file = path.join(dir, "slide.tif");
    writeFileSync(file, buildTiff(await buildNdpiImages(256, 64, 4), { ndpi: true }));
    expect(await detectFormat(file)).toBe("hamamatsu");
    expect(openslideDump(file).detect_format).toBe("hamamatsu");
  });
});
