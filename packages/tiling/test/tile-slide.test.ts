import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { LevelInfo, Slide } from "@osfm/wsi";
import { describe, expect, it } from "vitest";
import { testTempDir } from "../../../tooling/config/test-temp-dir";
import { TilingError } from "../src/errors";
import { parseManifest, writeManifest, MANIFEST_COLUMNS } from "../src/manifest";
import { tileSlide } from "../src/tile-slide";
import { TILING_REFERENCE, runPython, type ReferenceScale } from "./support/reference";

/** A slide with geometry only (tiling never reads pixels): what tileSlide needs from @osfm/wsi. */
function geometrySlide(levels: LevelInfo[], mpp?: number, objectivePower?: number, name = "geo"): Slide {
  const fail = async () => {
    throw new Error("pixels are not needed for tiling");
  };
  return {
    path: `/data/${name}.svs`,
    vendor: "aperio",
    levels,
    mpp: mpp === undefined ? undefined : { x: mpp, y: mpp },
    objectivePower,
    properties: {},
    associatedImageNames: [],
    readAssociatedImage: fail,
    readRegion: fail,
    thumbnail: fail,
    close: async () => {},
  };
}

const lv = (width: number, height: number, downsample: number): LevelInfo => ({ width, height, downsample, tileWidth: 240, tileHeight: 240 });

/** Blobby mask: union of discs, deterministic. */
function blobMask(width: number, height: number, seed: number) {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const discs = Array.from({ length: 6 }, () => [r() * width, r() * height, (0.08 + 0.15 * r()) * Math.min(width, height)] as const);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = discs.some(([cx, cy, rr]) => (x - cx) ** 2 + (y - cy) ** 2 <= rr * rr) ? 1 : 0;
  return { width, height, downsample: 1, data };
}

const slide40x = (): Slide => geometrySlide([lv(80000, 60000, 1), lv(20000, 15000, 4.000266), lv(5000, 3750, 16.001066)], 0.2527, 40, "TCGA-40X");

describe("level choice and tile size", () => {
  const mask = blobMask(1024, 768, 1);

  it("40x slide: every tile covers 256 px at the target (128 µm, 512 µm), read from the level at or finer", () => {
    const m = tileSlide(slide40x(), mask);
    const [s05, s20] = m.scales;
    expect(s05).toMatchObject({ level: 0, readSizePx: Math.round((256 * 0.5) / 0.2527) });
    expect(s20).toMatchObject({ level: 1, readSizePx: Math.round((256 * 2) / (0.2527 * 4.000266)) });
    expect(Math.abs(s05!.tileSideUm - 128) / 128).toBeLessThan(0.005);
    expect(Math.abs(s20!.tileSideUm - 512) / 512).toBeLessThan(0.005);
  });

  it("paperCompat: nearest level with no resampling gives the original's half-size tiles (64 µm, 256 µm)", () => {
    const m = tileSlide(slide40x(), mask, { paperCompat: true });
    expect(m.scales.map((s) => [s.level, s.readSizePx])).toEqual([[0, 256], [1, 256]]);
    expect(m.scales[0]!.tileSideUm).toBeCloseTo(64.7, 1);
    expect(m.scales[1]!.tileSideUm).toBeCloseTo(258.8, 1);
  });
});

describe("budgets and seeds", () => {
  it("samples exactly the budget when there are more candidates, the same tiles on every run", () => {
    const mask = blobMask(1024, 768, 2);
    const a = tileSlide(slide40x(), mask);
    const b = tileSlide(slide40x(), mask);
    const s05 = a.scales[0]!;
    expect(s05.candidates).toBeGreaterThan(1200);
    expect(s05.selected).toBe(1200);
    expect(a.rows.filter((r) => r.scaleUmPerPx === 0.5)).toHaveLength(1200);
    expect(b.rows).toEqual(a.rows);
    expect(tileSlide(slide40x(), mask, { slideId: "other" }).rows.map((r) => [r.x, r.y])).not.toEqual(a.rows.map((r) => [r.x, r.y]));
    for (const r of a.rows) expect(r.coverage).toBeGreaterThanOrEqual(0.3);
  });

  it("keeps all candidates when fewer than the budget, and records the count", () => {
    const small = geometrySlide([lv(4000, 3000, 1)], 0.5);
    const m = tileSlide(small, blobMask(400, 300, 3));
    const s20 = m.scales[1]!;
    expect(s20.candidates).toBeLessThan(400);
    expect(s20.selected).toBe(s20.candidates);
    expect(m.rows.filter((r) => r.scaleUmPerPx === 2).map((r) => r.tileIdx)).toEqual([...Array(s20.selected).keys()]);
  });
});

describe("bad input", () => {
  const mask = blobMask(200, 150, 4);

  it("no mpp: a TilingError naming the slide, unless mpp is given or the objective-power fallback is allowed", () => {
    const slide = geometrySlide([lv(20000, 15000, 1)], undefined, 20, "no-mpp");
    expect(() => tileSlide(slide, mask)).toThrow(TilingError);
    expect(() => tileSlide(slide, mask)).toThrow(/\/data\/no-mpp\.svs: the slide has no mpp.*objective power 20x/);
    expect(tileSlide(slide, mask, { mpp: 0.5 }).mppSource).toBe("user");
    const fb = tileSlide(slide, mask, { allowObjectivePowerFallback: true });
    expect([fb.mpp, fb.mppSource]).toEqual([0.5, "objective-power"]);
    expect(fb.warnings.join()).toMatch(/assumed 0.5 µm\/px from objective power 20x/);
    expect(fb.toArrow().schema.metadata.get("mpp_source")).toBe("objective-power");
    const noPower = geometrySlide([lv(20000, 15000, 1)], undefined, undefined, "no-power");
    expect(() => tileSlide(noPower, mask, { allowObjectivePowerFallback: true })).toThrow(/no mpp/);
    expect(tileSlide(noPower, mask, { paperCompat: true }).mppSource).toBe("paper-default");
  });

  it("no tissue: an empty manifest with a warning per scale, not a crash", () => {
    const empty = { width: 200, height: 150, downsample: 100, data: new Uint8Array(200 * 150) };
    const m = tileSlide(geometrySlide([lv(20000, 15000, 1)], 0.5), empty);
    expect(m.rows).toHaveLength(0);
    expect(m.warnings.filter((w) => /no tile reaches 0.3/.test(w))).toHaveLength(2);
    expect(m.toArrow().numRows).toBe(0);
  });

  it("a slide smaller than one tile and a malformed mask are reported clearly", () => {
    const tiny = tileSlide(geometrySlide([lv(16, 16, 1)], 0.499), { width: 16, height: 16, downsample: 1, data: new Uint8Array(256).fill(1) });
    expect(tiny.rows).toHaveLength(0);
    expect(tiny.warnings.join()).toMatch(/smaller than one tile/);
    expect(() => tileSlide(slide40x(), { width: 10, height: 10, downsample: 1, data: new Uint8Array(5) })).toThrow(/width\*height bytes/);
    expect(() => tileSlide(slide40x(), mask, { budgets: { 0.5: 10 } })).toThrow(/no valid budget for scale 2/);
  });
});

describe("Arrow manifest", () => {
  it("writes an IPC file with the issue's columns that reads back to the same rows and seeds", async () => {
    const m = tileSlide(slide40x(), blobMask(512, 384, 5), { slideId: "TCGA-AB-1234" });
    const file = path.join(testTempDir("tiling-"), "TCGA-AB-1234.arrow");
    await writeManifest(m, file);
    const back = parseManifest(readFileSync(file), file);
    expect(m.toArrow().schema.fields.map((f) => f.name)).toEqual([...MANIFEST_COLUMNS]);
    expect(back.rows).toEqual(m.rows);
    expect(new Set(back.seeds)).toEqual(new Set(m.scales.map((s) => s.seed)));
    expect(back.metadata.mpp).toBe("0.2527");
    expect(() => parseManifest(new Uint8Array([1, 2, 3]), "junk.arrow")).toThrow(/junk.arrow: not an Arrow IPC file/);
  });
});

describe("paperCompat parity with the Python reference of NB04", () => {
  const cases: [string, LevelInfo[], number, [number, number]][] = [
    ["40x, three levels", [lv(46000, 32914, 1), lv(11500, 8228, 4.000174), lv(2875, 2057, 16.002783)], 0.2527, [2048, 1465]],
    ["20x, two levels", [lv(30001, 20001, 1), lv(7500, 5000, 4.0002)], 0.499, [2048, 1365]],
    ["CMU-1-Small-Region geometry, one level", [lv(2220, 2967, 1)], 0.499, [766, 1024]],
  ];
  for (const [name, levels, mpp, [mw, mh]] of cases) {
    it(`${name}: the same candidate tiles and the same sampled tiles`, () => {
      const mask = blobMask(mw, mh, mw + mh);
      const dir = testTempDir("tiling-ref-");
      writeFileSync(path.join(dir, "levels.json"), JSON.stringify({ mpp, levels }));
      writeFileSync(path.join(dir, "mask.bin"), mask.data);
      const ref = runPython<{ scales: ReferenceScale[] }>(TILING_REFERENCE, [
        "--levels-json", path.join(dir, "levels.json"), "--mask", path.join(dir, "mask.bin"),
        "--mask-width", String(mw), "--mask-height", String(mh), "--slide-id", name, "--sample",
      ]);
      const ours = tileSlide(geometrySlide(levels, mpp), mask, { paperCompat: true, slideId: name, budgets: { 0.5: 1200, 2: 400 } });
      for (const [i, s] of ours.scales.entries()) {
        const r = ref.scales[i]!;
        expect(s.level).toBe(r.level);
        expect(s.gridPositions).toBe(r.grid);
        expect(s.candidates).toBe(r.candidates.length);
        const ds = levels[s.level]!.downsample;
        const toL0 = ([x, y]: [number, number]) => `${Math.round(x * ds)},${Math.round(y * ds)}`;
        const ourTiles = ours.rows.filter((row) => row.scaleUmPerPx === s.scaleUmPerPx).map((row) => `${row.x},${row.y}`);
        expect(ourTiles).toEqual(r.sampled!.map(toL0));
      }
      expect(ours.scales.some((s) => s.candidates > 0)).toBe(true);
    });
  }
});
