import path from "node:path";
import { synthesizeSlide, truthStem } from "@osfm/synth";
import { openSlide } from "@osfm/wsi";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { readTile } from "../src/read-tile";
import { tileSlide } from "../src/tile-slide";

function correlation(a: Uint8Array, b: Uint8Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("@osfm/synth: the same tissue scanned at 0.25 and 0.5 µm/px", () => {
  it("gives tiles of the same physical size and the same content (pixel correlation ≥ 0.9 for every tile)", async () => {
    const dir = testTempDir("tiling-synth-");
    const common = { widthUm: 1000, heightUm: 750, seed: 21 };
    const fileA = path.join(dir, "same-40x.svs");
    const fileB = path.join(dir, "same-20x.svs");
    await synthesizeSlide(fileA, { ...common, mpp: 0.25 });
    const truthB = await synthesizeSlide(fileB, { ...common, mpp: 0.5 });
    // one tissue mask (the 20x truth: the same µm grid for both) so both slides see the same candidates
    const { data, info } = await sharp(`${truthStem(fileB)}.tissue.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
    const mask = { width: info.width, height: info.height, downsample: truthB.masks.downsample, data: new Uint8Array(data) };
    const a = await openSlide(fileA);
    const b = await openSlide(fileB);
    try {
      const opts = { slideId: "same-tissue", budgets: { 0.5: 16, 2: 4 }, scalesUmPerPx: [0.5] };
      const ma = tileSlide(a, mask, opts);
      const mb = tileSlide(b, mask, opts);
      expect(ma.scales[0]!.readSizePx).toBe(512);
      expect(mb.scales[0]!.readSizePx).toBe(256);
      expect(ma.scales[0]!.tileSideUm).toBeCloseTo(128, 6);
      expect(mb.scales[0]!.tileSideUm).toBeCloseTo(128, 6);
      expect(ma.rows.length).toBe(16);
      expect(ma.rows.map((r) => [r.x * 0.25, r.y * 0.25])).toEqual(mb.rows.map((r) => [r.x * 0.5, r.y * 0.5]));
      const corr: number[] = [];
      for (let i = 0; i < ma.rows.length; i++) {
        const [ta, tb] = await Promise.all([readTile(a, ma.rows[i]!), readTile(b, mb.rows[i]!)]);
        corr.push(correlation(ta.data, tb.data));
      }
      expect(Math.min(...corr)).toBeGreaterThanOrEqual(0.9);
      // paperCompat reproduces the original's half-size tiles on the 40x slide
      const pa = tileSlide(a, mask, { ...opts, paperCompat: true });
      expect(pa.scales[0]!.tileSideUm).toBeCloseTo(64, 6);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
