import { describe, expect, it } from "vitest";
import { sampleTissueTiles } from "../src/index";

describe("sampleTissueTiles", () => {
  const slide = { widthUm: 1200, heightUm: 900, tissueClass: "adenocarcinoma", tissuePieces: 1, pen: 0, blur: 0, folds: 0, seed: 5 };

  it("renders tissue tiles on the grid at the requested scale, deterministically", () => {
    const a = sampleTissueTiles(slide, { mpp: 0.5, size: 128, count: 6, salt: 3 });
    expect(a.widthPx).toBe(2400);
    expect(a.tiles).toHaveLength(6);
    for (const [i, t] of a.tiles.entries()) {
      expect(t.length).toBe(128 * 128 * 3);
      const mean = t.reduce((s, v) => s + v, 0) / t.length;
      expect(mean).toBeLessThan(215);
      const [x, y] = a.corners[i] as [number, number];
      expect(x % 128).toBe(0);
      expect(y % 128).toBe(0);
      expect(x + 128).toBeLessThanOrEqual(a.widthPx);
    }
    const b = sampleTissueTiles(slide, { mpp: 0.5, size: 128, count: 6, salt: 3 });
    expect(b.corners).toEqual(a.corners);
    expect(Buffer.compare(Buffer.from(b.tiles[0]!), Buffer.from(a.tiles[0]!))).toBe(0);
    // another salt visits the grid in another order
    expect(sampleTissueTiles(slide, { mpp: 0.5, size: 128, count: 6, salt: 4 }).corners).not.toEqual(a.corners);
  });

  it("gives fewer tiles than asked when the tissue runs out, and none on a 2 µm/px grid too coarse for the slide", () => {
    const coarse = sampleTissueTiles(slide, { mpp: 2, size: 256, count: 50 });
    expect(coarse.widthPx).toBe(600);
    expect(coarse.tiles.length).toBeLessThanOrEqual(2);
    const all = sampleTissueTiles(slide, { mpp: 1, size: 128, count: 1000 });
    expect(all.tiles.length).toBeGreaterThan(4);
    expect(all.tiles.length).toBeLessThan(9 * 7);
  });
});
