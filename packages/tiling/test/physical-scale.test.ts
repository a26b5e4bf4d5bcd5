import { describe, expect, it } from "vitest";
import { readTile } from "../src/read-tile";
import { tileSlide } from "../src/tile-slide";
import { memorySlide, physicalMask, physicalTissue } from "./support/memory-slide";

function correlation(a: Uint8Array, b: Uint8Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("the same tissue scanned at 0.25 and 0.5 µm/px", () => {
  it("gives tiles of the same physical size at the same places with the same content (r ≥ 0.9)", async () => {
    const [wUm, hUm] = [1200, 900];
    const a = physicalTissue(wUm, hUm, 0.25); // "40x": 4800 x 3600
    const b = physicalTissue(wUm, hUm, 0.5); // "20x": 2400 x 1800
    const slideA = memorySlide(a.image, { mpp: { x: 0.25, y: 0.25 }, downsamples: [4], path: "/mem/a40x.svs" });
    const slideB = memorySlide(b.image, { mpp: { x: 0.5, y: 0.5 }, downsamples: [4], path: "/mem/b20x.svs" });
    const mask = physicalMask(wUm, hUm, 400, 300, a.tissueAt);
    const opts = { slideId: "same-tissue", scalesUmPerPx: [0.5], budgets: { 0.5: 12 } };
    const ma = tileSlide(slideA, { ...mask, downsample: 12 }, opts);
    const mb = tileSlide(slideB, { ...mask, downsample: 6 }, opts);
    expect(ma.scales[0]!.tileSideUm).toBeCloseTo(128, 6);
    expect(mb.scales[0]!.tileSideUm).toBeCloseTo(128, 6);
    expect(ma.scales[0]!.readSizePx).toBe(512);
    expect(mb.scales[0]!.readSizePx).toBe(256);
    // same physical positions, same sampled tiles
    expect(ma.rows.map((r) => [r.x * 0.25, r.y * 0.25])).toEqual(mb.rows.map((r) => [r.x * 0.5, r.y * 0.5]));
    expect(ma.rows).toHaveLength(12);
    let worst = 1;
    for (let i = 0; i < ma.rows.length; i++) {
      const ta = await readTile(slideA, ma.rows[i]!);
      const tb = await readTile(slideB, mb.rows[i]!);
      worst = Math.min(worst, correlation(ta.data, tb.data));
    }
    expect(worst).toBeGreaterThanOrEqual(0.9);
    // the original (paperCompat) reads 256 px at 0.25 µm/px on the 40x slide: a 64 µm tile, half the 20x one
    const pa = tileSlide(slideA, mask, { ...opts, paperCompat: true });
    const pb = tileSlide(slideB, mask, { ...opts, paperCompat: true });
    expect(pa.scales[0]!.tileSideUm).toBeCloseTo(64, 6);
    expect(pb.scales[0]!.tileSideUm).toBeCloseTo(128, 6);
  });
});
