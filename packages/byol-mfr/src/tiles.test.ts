import { describe, expect, it } from "vitest";
import { manifestTileSlide, sampleEpochTiles } from "./tiles";

const row = (x: number, y: number, scale: number) => ({ x, y, level: 0, readSizePx: 256, scaleUmPerPx: scale });

describe("phase-2 tiles", () => {
  it("manifestTileSlide: tile centres in mm from the true mpp, tiles read in the requested order", async () => {
    const seen: string[] = [];
    const slide = manifestTileSlide({
      slideId: "s", slide: { path: "/dev/null" } as never, mppX: 0.25, mppY: 0.25,
      rows05: [row(0, 0, 0.5), row(512, 1024, 0.5)], rows20: [row(4096, 0, 2)],
      reader: async (_s, r, side) => {
        seen.push(`${r.x},${r.y}`);
        return new Uint8Array(side * side * 3).fill(r.x % 251);
      },
    });
    // 0.5 µm/px tiles are 128 µm = 512 level-0 px at 0.25 µm/px: centre (512 + 256, 1024 + 256) px → (0.192, 0.32) mm
    expect(Array.from(slide.centresMm(0.5, [1, 0]))).toEqual([0.192, 0.32, 0.064, 0.064].map(Math.fround));
    // 2.0 µm/px tiles are 512 µm = 2048 px: centre (4096 + 1024) px → 1.28 mm
    expect(Array.from(slide.centresMm(2, [0]))).toEqual([1.28, 0.256].map(Math.fround));
    const rgb = await slide.readTiles(0.5, [1, 0], 4);
    expect(seen).toEqual(["512,1024", "0,0"]);
    expect([rgb[0], rgb[48]]).toEqual([512 % 251, 0]);
  });

  it("sampleEpochTiles: 72 + 24 of 96, distinct, different per epoch, identical per (seed, epoch, slide)", () => {
    const s = { slideId: "a", count05: 500, count20: 100 };
    const e0 = sampleEpochTiles(s, 0, 13, 96);
    expect([e0.indices05.length, e0.indices20.length]).toEqual([72, 24]);
    expect(new Set(e0.indices05).size).toBe(72);
    expect(sampleEpochTiles(s, 0, 13, 96)).toEqual(e0);
    expect(sampleEpochTiles(s, 1, 13, 96).indices05).not.toEqual(e0.indices05);
    const few = sampleEpochTiles({ slideId: "b", count05: 10, count20: 3 }, 0, 13, 96);
    expect([few.indices05.length, few.indices20.length]).toEqual([10, 3]);
  });
});
