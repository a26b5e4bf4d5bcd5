import { describe, expect, it } from "vitest";
import { detectFormat, openSlide, WsiError } from "../src/index";
import { fixture, haveFixtures } from "./fixtures";

/** Mean of each RGBA channel over a region (transparent pixels count as 0), as in the fixtures README. */
function meanRgba(data: Uint8Array): number[] {
  const m = [0, 0, 0, 0];
  for (let i = 0; i < data.length; i++) m[i % 4] = (m[i % 4] as number) + (data[i] as number);
  return m.map((v) => v / (data.length / 4));
}

describe.skipIf(!haveFixtures)("real fixtures (values from OpenSlide 3.4.1, fixtures README)", () => {
  it("CMU-1-Small-Region.svs: metadata and colours of RGB JPEG tiles", async () => {
    const slide = await openSlide(fixture("aperio_CMU-1-Small-Region.svs"));
    expect(slide.vendor).toBe("aperio");
    expect(slide.levels).toEqual([{ width: 2220, height: 2967, downsample: 1, tileWidth: 240, tileHeight: 240 }]);
    expect(slide.mpp).toEqual({ x: 0.499, y: 0.499 });
    expect(slide.objectivePower).toBe(20);
    expect(slide.properties["openslide.mpp-x"]).toBe("0.499");
    expect(slide.properties["aperio.AppMag"]).toBe("20");
    expect(slide.associatedImageNames).toEqual(["label", "macro", "thumbnail"]);
    const a = meanRgba((await slide.readRegion({ x: 0, y: 0, level: 0, width: 64, height: 64 })).data);
    const b = meanRgba((await slide.readRegion({ x: 1078, y: 1451, level: 0, width: 64, height: 64 })).data);
    // tolerance: 0.05 on a 64x64 mean (JPEG decoders may differ by ±1 on a few pixels)
    [244.186, 241.624, 242.095, 255].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 1));
    [127.079, 86.517, 127.092, 255].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 1));
    const label = await slide.readAssociatedImage("label");
    expect([label.width, label.height, label.data.length]).toEqual([387, 463, 387 * 463 * 4]);
    await slide.close();
  });

  it("generic_boxes.tiff: 4 levels with OpenSlide's downsamples", async () => {
    expect(await detectFormat(fixture("generic_boxes.tiff"))).toBe("generic-tiff");
    const slide = await openSlide(fixture("generic_boxes.tiff"));
    expect(slide.levels.map((l) => [l.width, l.height])).toEqual([[300, 250], [150, 125], [75, 62], [37, 31]]);
    expect(slide.levels[2]?.downsample).toBeCloseTo(4.016129, 6);
    expect(slide.properties["openslide.level[2].downsample"]).toBe("4.0161290322580641");
    expect(slide.properties["openslide.level[3].downsample"]).toBe("8.0863121185701843");
    expect(slide.properties["tiff.XResolution"]).toBe("28.346456527709961");
    expect(slide.mpp).toBeUndefined();
    expect(meanRgba((await slide.readRegion({ x: 118, y: 93, level: 0, width: 64, height: 64 })).data)).toEqual([0, 0, 255, 255]);
    await slide.close();
  });

  it("small.svs: pixels outside the 16x16 level are transparent", async () => {
    const slide = await openSlide(fixture("aperio_small_16x16.svs"));
    const m = meanRgba((await slide.readRegion({ x: 0, y: 0, level: 0, width: 64, height: 64 })).data);
    expect(m[3]).toBeCloseTo(15.938, 2);
    [14.885, 14.622, 14.801].forEach((v, i) => expect(m[i]).toBeCloseTo(v, 1));
    await slide.close();
  });

  it("bad inputs fail with typed errors naming the file", async () => {
    const notTiff = fixture("bad_broken_not_tiff.svs");
    expect(await detectFormat(notTiff)).toBeUndefined();
    await expect(openSlide(notTiff)).rejects.toMatchObject({ code: "UNSUPPORTED_FORMAT", path: notTiff });
    const unopenable = fixture("bad_unopenable.tiff");
    expect(await detectFormat(unopenable)).toBe("generic-tiff");
    await expect(openSlide(unopenable)).rejects.toMatchObject({ code: "UNSUPPORTED_COMPRESSION", path: unopenable });
    const unreadable = fixture("bad_unreadable.svs");
    const slide = await openSlide(unreadable);
    expect(slide.vendor).toBe("aperio");
    const err = await slide.readRegion({ x: 0, y: 0, level: 0, width: 16, height: 16 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsiError);
    expect(err).toMatchObject({ code: "DECODE_FAILED", path: unreadable });
    await expect(slide.readAssociatedImage("thumbnail")).rejects.toMatchObject({ code: "DECODE_FAILED" });
    await slide.close();
    await expect(openSlide("/nonexistent/slide.svs")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
