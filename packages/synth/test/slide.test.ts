import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planLayout } from "../src/layout";
import { createRenderContext, renderRegion } from "../src/render";
import { synthesizeSlide } from "../src/synthesize-slide";
import type { SlideTruth } from "../src/types";
import { colourInk, colourTissue, erode, invert, nucleiStats, readMask, sha256 } from "./helpers";
import { probe, readRgba, readThumb } from "./openslide";

const dir = mkdtempSync(join(tmpdir(), "osfm-synth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("synthesizeSlide: OpenSlide opens what it writes and the ground truth is true", () => {
  let truth: SlideTruth;
  const svs = join(dir, "case.svs");

  it("writes an Aperio SVS that OpenSlide reads with vendor, levels, mpp and objective power", async () => {
    truth = await synthesizeSlide(svs, { widthUm: 2400, heightUm: 1800, mpp: 0.5, tissueClass: "adenocarcinoma", lesions: 1, pen: 2, blur: 1, folds: 1, center: 2, seed: 11 });
    const [meta] = probe([{ path: svs }]);
    expect(meta?.vendor).toBe("aperio");
    expect(meta?.levels[0]).toEqual([4800, 3600]);
    expect(meta?.levels.length).toBeGreaterThanOrEqual(3);
    expect(Number(meta?.mpp[0])).toBeCloseTo(0.5, 6);
    expect(meta?.power).toBe("20");
    expect(Object.keys(meta?.associated ?? {}).sort()).toEqual(["label", "macro", "thumbnail"]);
    expect(truth.widthPx).toBe(4800);
    expect(truth.lesions).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(["case.lesion.png", "case.pen.png", "case.svs", "case.tissue.png", "case.truth.json"]);
    expect(JSON.parse(readFileSync(join(dir, "case.truth.json"), "utf8"))).toEqual(truth);
  });

  it("tissue mask agrees with a colour threshold on the written thumbnail on ≥ 95 % of pixels", async () => {
    const tissue = await readMask(join(dir, truth.masks.tissue));
    const pen = await readMask(join(dir, truth.masks.pen));
    const out = join(dir, "probe-thumb");
    probe([{ path: svs, out, thumb: [tissue.width, tissue.height] }]);
    const rgb = readThumb(out);
    let agree = 0;
    let total = 0;
    for (let i = 0; i < tissue.data.length; i++) {
      if (pen.data[i]) continue; // ink is coloured whether or not tissue lies under it
      const t = colourTissue(rgb[i * 3] as number, rgb[i * 3 + 1] as number, rgb[i * 3 + 2] as number);
      if (t === (tissue.data[i] === 255)) agree++;
      total++;
    }
    expect(truth.tissueFraction).toBeGreaterThan(0.2);
    expect(agree / total).toBeGreaterThanOrEqual(0.95);
  });

  it("pen pixels are where the pen mask says", async () => {
    const pen = await readMask(join(dir, truth.masks.pen));
    const rgb = readThumb(join(dir, "probe-thumb"));
    const inner = erode(pen.data, pen.width, pen.height);
    const outer = erode(invert(pen.data), pen.width, pen.height);
    let inkIn = 0;
    let nIn = 0;
    let inkOut = 0;
    let nOut = 0;
    for (let i = 0; i < pen.data.length; i++) {
      const ink = colourInk(rgb[i * 3] as number, rgb[i * 3 + 1] as number, rgb[i * 3 + 2] as number);
      if (inner[i]) [nIn, inkIn] = [nIn + 1, inkIn + (ink ? 1 : 0)];
      if (outer[i]) [nOut, inkOut] = [nOut + 1, inkOut + (ink ? 1 : 0)];
    }
    expect(nIn).toBeGreaterThan(100);
    expect(inkIn / nIn).toBeGreaterThanOrEqual(0.95);
    expect(inkOut / nOut).toBeLessThanOrEqual(0.005);
  });

  it("writes a generic TIFF at 0.25 µm/px with resolution tags", async () => {
    const path = join(dir, "case40x.tiff");
    const t = await synthesizeSlide(path, { widthUm: 1200, heightUm: 1000, mpp: 0.25, format: "tiff", seed: 3 });
    const [meta] = probe([{ path }]);
    expect(meta?.vendor).toBe("generic-tiff");
    expect(meta?.levels[0]).toEqual([4800, 4000]);
    expect(meta?.levels[1]).toEqual([2400, 2000]);
    // OpenSlide 3.4.1 reports no mpp for generic TIFF; the resolution tags carry it.
    expect(meta?.unit).toBe("centimeter");
    expect(10_000 / Number(meta?.xres)).toBeCloseTo(0.25, 6);
    expect(t.objectivePower).toBe(40);
  });
});

describe("synthesizeSlide determinism", () => {
  const opts = { widthUm: 1400, heightUm: 1000, pen: 1, lesions: 1 } as const;
  it("same seed → identical files; different seed → different files", async () => {
    const [a, b, c] = ["a.svs", "b.svs", "c.svs"].map((n) => join(dir, n)) as [string, string, string];
    await synthesizeSlide(a, { ...opts, seed: 5 });
    await synthesizeSlide(b, { ...opts, seed: 5 });
    await synthesizeSlide(c, { ...opts, seed: 6 });
    expect(sha256(a)).toBe(sha256(b));
    expect(sha256(join(dir, "a.tissue.png"))).toBe(sha256(join(dir, "b.tissue.png")));
    expect(readFileSync(join(dir, "a.truth.json"), "utf8").replace(/"a\./g, "")).toBe(readFileSync(join(dir, "b.truth.json"), "utf8").replace(/"b\./g, ""));
    expect(sha256(a)).not.toBe(sha256(c));
  });

  it("render workers (under tsx) write the same bytes as the main thread", () => {
    const script = join(import.meta.dirname, "fixtures/worker-parity.ts");
    const out = execFileSync(process.execPath, ["--import", "tsx", "--conditions=@osfm/source", script, dir], { encoding: "utf8" });
    const [inline, workers] = JSON.parse(out.trim().split("\n").pop() as string) as [string, string];
    expect(workers).toBe(inline);
  });

  it("any region renders the same alone as inside a larger region (blur, pen, folds included)", () => {
    const layout = planLayout({ widthUm: 1500, heightUm: 1200, pen: 2, blur: 1, folds: 1, lesions: 1, tissueClass: { carcinoma: 0.5, lymphoid: 0.5 }, seed: 9 });
    const ctx = createRenderContext(layout);
    const big = renderRegion(ctx, 700, 600, 900, 700);
    for (const [x, y, w, h] of [[700, 600, 300, 200], [1011, 777, 257, 133], [1500, 1250, 100, 50]] as const) {
      const small = renderRegion(createRenderContext(layout), x, y, w, h);
      for (let r = 0; r < h; r++) {
        const a = big.subarray(((y - 600 + r) * 900 + (x - 700)) * 3, ((y - 600 + r) * 900 + (x - 700) + w) * 3);
        expect(Buffer.from(small.subarray(r * w * 3, (r + 1) * w * 3)).equals(Buffer.from(a))).toBe(true);
      }
    }
  });
});

describe("classes and centres differ measurably on rendered pixels", () => {
  const classes = ["stroma", "lymphoid", "carcinoma", "adenocarcinoma", "clear-cell"] as const;
  const stats = new Map<string, ReturnType<typeof nucleiStats> & { mean: number[] }>();

  it("nuclear density, size and coverage per class (OpenSlide reads, 4 regions of 512² px each)", async () => {
    const requests = [];
    for (const cls of classes) {
      const path = join(dir, `class-${cls}.svs`);
      await synthesizeSlide(path, { widthUm: 1600, heightUm: 1600, tissueClass: cls, tissuePieces: 1, seed: 21, associatedImages: false });
      // Central regions, well inside the single tissue piece.
      requests.push({ path, out: join(dir, `probe-${cls}`), regions: [[1100, 1100, 0, 512, 512], [1700, 1100, 0, 512, 512], [1100, 1700, 0, 512, 512], [1700, 1700, 0, 512, 512]] as [number, number, number, number, number][] });
    }
    probe(requests);
    for (const cls of classes) {
      let count = 0;
      let area = 0;
      let fraction = 0;
      const mean = [0, 0, 0];
      for (let i = 0; i < 4; i++) {
        const rgba = readRgba(join(dir, `probe-${cls}`), i);
        const s = nucleiStats(rgba, 512, 512);
        count += s.count;
        area += s.meanArea * s.count;
        fraction += s.fraction / 4;
        for (let p = 0; p < 512 * 512; p++) for (let c = 0; c < 3; c++) mean[c] = (mean[c] as number) + (rgba[p * 4 + c] as number) / (4 * 512 * 512);
      }
      stats.set(cls, { count, meanArea: count ? area / count : 0, fraction, mean });
    }
    const s = (c: string) => stats.get(c) as { count: number; meanArea: number; fraction: number };
    // Seen on this machine: nuclei count / mean area px / nuclear pixel fraction =
    // stroma 137/92/0.012, lymphoid 1181/251/0.283, carcinoma 654/479/0.299, adenocarcinoma 333/483/0.153,
    // clear-cell 204/147/0.029. Lymphoid: many small nuclei (touching ones merge, hence the area);
    // carcinoma: fewer, larger; stroma: almost none.
    expect(s("lymphoid").count).toBeGreaterThan(1.5 * s("carcinoma").count);
    expect(s("carcinoma").meanArea).toBeGreaterThan(1.5 * s("lymphoid").meanArea);
    expect(s("stroma").fraction).toBeLessThan(0.5 * Math.min(...classes.filter((c) => c !== "stroma").map((c) => s(c).fraction)));
    expect(s("clear-cell").meanArea).toBeLessThan(s("carcinoma").meanArea);
  });

  it("centres shift the stain of the same tissue", async () => {
    const means: number[][] = [];
    for (const center of [0, 2, 4]) {
      const path = join(dir, `center-${center}.svs`);
      await synthesizeSlide(path, { widthUm: 1000, heightUm: 1000, tissueClass: "carcinoma", tissuePieces: 1, center, seed: 4, associatedImages: false });
      const out = join(dir, `probe-center-${center}`);
      probe([{ path, out, regions: [[700, 700, 0, 600, 600]] }]);
      const rgba = readRgba(out, 0);
      const m = [0, 0, 0];
      for (let p = 0; p < 600 * 600; p++) for (let c = 0; c < 3; c++) m[c] = (m[c] as number) + (rgba[p * 4 + c] as number) / (600 * 600);
      means.push(m);
    }
    const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, c) => v - (b[c] as number)));
    let widest = 0;
    for (let i = 0; i < means.length; i++) {
      for (let j = i + 1; j < means.length; j++) {
        // JPEG noise moves a 600² mean by well under 1; CENTER_STAIN_SPREAD 0.35 gives 5.5–8 here
        const d = dist(means[i] as number[], means[j] as number[]);
        expect(d).toBeGreaterThan(3);
        widest = Math.max(widest, d);
      }
    }
    // ... but a tissue class changes the colour more than the centre does (carcinoma vs clear-cell, same centre)
    const classMean = (c: string) => (stats.get(c) as { mean: number[] }).mean;
    expect(dist(classMean("carcinoma"), classMean("clear-cell"))).toBeGreaterThan(widest);
  });
});

describe("bad input", () => {
  it("rejects unknown classes, centres and sizes with a SynthError naming the file", async () => {
    const path = join(dir, "bad.svs");
    await expect(synthesizeSlide(path, { tissueClass: "nonsense" })).rejects.toMatchObject({ name: "SynthError", code: "BAD_OPTIONS", path });
    await expect(synthesizeSlide(path, { center: 9 })).rejects.toThrow(/unknown center "center-9"/);
    await expect(synthesizeSlide(path, { widthUm: -1 })).rejects.toMatchObject({ code: "BAD_OPTIONS" });
    const { synthesizeCohort } = await import("../src/cohort/synthesize-cohort");
    await expect(synthesizeCohort(join(dir, "c"), "huge")).rejects.toThrow(/expected one of tiny, demo, bench/);
  });

  it("aborts with code ABORTED and leaves no slide", async () => {
    const path = join(dir, "aborted.svs");
    const controller = new AbortController();
    const run = synthesizeSlide(path, { widthUm: 2000, heightUm: 2000, onProgress: () => controller.abort(), signal: controller.signal });
    await expect(run).rejects.toMatchObject({ code: "ABORTED", path });
    expect(readdirSync(dir).filter((f) => f.startsWith("aborted"))).toEqual([]);
  });
});
