import { describe, expect, it } from "vitest";
import { all, domain, num, parseSvg, text, texts } from "../../test/svg-query.js";
import { fig1cFigure } from "./fig1c.js";
import { manifestCodesFigure, manifestMppFigure, manifestSizeFigure } from "./manifest.js";
import { pretrainLossFigure } from "./pretrain-loss.js";
import { tilingTokens0p5Figure, tilingTokens2p0Figure } from "./tiling.js";

const GIB = 1024 ** 3;
const manifest = {
  dataset: "TCGA",
  slides: [
    { slide_id: "a", cancer_code: "BRCA", size_bytes: 0.5 * GIB, mpp_x: 0.25, mpp_y: 0.25 },
    { slide_id: "b", cancer_code: "BRCA", size_bytes: 1.5 * GIB, mpp_x: null, mpp_y: 0.25 },
    { slide_id: "c", cancer_code: "LUAD", size_bytes: 1 * GIB, mpp_x: 0.5, mpp_y: 0.5 },
    { slide_id: "d", cancer_code: "GBM", size_bytes: null, mpp_x: 0.5, mpp_y: 0.5 },
  ],
};

describe("manifest figures", () => {
  it("manifest-size: GiB histogram of the slides with a size", () => {
    const root = parseSvg(manifestSizeFigure(manifest));
    expect(text(root, "text.axis-label.x")).toBe("File size (GiB)");
    expect(all(root, "rect.mark").reduce((s, b) => s + num(b, "data-count"), 0)).toBe(3);
    expect(domain(root, "x")).toEqual(["0", "1.5"]);
  });
  it("manifest-mpp: % with both mpp values vs missing", () => {
    const root = parseSvg(manifestMppFigure(manifest));
    expect(all(root, "rect.mark").map((b) => num(b, "data-value"))).toEqual([75, 25]);
    expect(texts(root, "text.bar-annotation")).toEqual(["3 of 4", "1 of 4"]);
  });
  it("manifest-codes: slides per code, at most 30", () => {
    const many = { dataset: "TCGA", slides: Array.from({ length: 35 }, (_, i) => ({ slide_id: `s${i}`, cancer_code: `C${String(i).padStart(2, "0")}`, size_bytes: 1, mpp_x: 1, mpp_y: 1 })) };
    const root = parseSvg(manifestCodesFigure(many));
    expect(all(root, "rect.mark")).toHaveLength(30);
    expect(text(root, "text.title")).toBe("TCGA manifest: slides per cancer code (30 largest of 35)");
    const small = parseSvg(manifestCodesFigure(manifest));
    expect(all(small, "rect.mark").map((b) => [b.getAttribute("data-label"), num(b, "data-value")])).toEqual([["BRCA", 2], ["GBM", 1], ["LUAD", 1]]);
  });
});

describe("tiling token histograms", () => {
  const input = { budget_0p5: 1200, budget_2p0: 400, slides: [{ slide_id: "a", n_tiles_0p5: 1200, n_tiles_2p0: 400 }, { slide_id: "b", n_tiles_0p5: 300, n_tiles_2p0: 0 }] };
  it("draws the budget line and counts every slide", () => {
    const a = parseSvg(tilingTokens0p5Figure(input));
    expect(text(a, "text.title")).toBe("Tiles (tokens) kept per slide at 0.5 µm/px");
    expect(num(a.querySelector("g.ref-line.budget"), "data-value")).toBe(1200);
    expect(all(a, "rect.mark").reduce((s, b) => s + num(b, "data-count"), 0)).toBe(2);
    const b = parseSvg(tilingTokens2p0Figure(input));
    expect(num(b.querySelector("g.ref-line.budget"), "data-value")).toBe(400);
    expect(domain(b, "x")).toEqual(["0", "400"]);
  });
});

describe("fig1c efficiency", () => {
  const input = {
    memory_label: "Peak memory (GB)",
    models: [
      { name: "Ours", params_millions: 71, memory_gb: 3.5, ours: true, source: "this run" },
      { name: "Big", params_millions: 632, memory_gb: null, ours: false, source: "paper X" },
      { name: "Huge", params_millions: 1850, memory_gb: 80, ours: false, source: "paper Y" },
    ],
  };
  const root = parseSvg(fig1cFigure(input));
  it("plots the parameters passed in on a log axis and memory where known", () => {
    expect(all(root, "g.marks.params rect.mark").map((b) => num(b, "data-value"))).toEqual([71, 632, 1850]);
    expect(all(root, "g.marks.memory rect.mark").map((b) => num(b, "data-value"))).toEqual([3.5, 80]);
    expect(domain(root, "y", "g.panel-0")).toEqual(["35.5", "3700"]);
    expect(texts(root, "text.axis-label.y")).toEqual(["Parameters (millions, log scale)", "Peak memory (GB)"]);
    expect(texts(root, "g.legend-entry text")).toEqual(["this workspace's model", "other models (cited)"]);
    expect(texts(root, "text.note")[0]).toBe("Sources: Big: paper X; Huge: paper Y");
  });
  it("highlights our model", () => {
    const bars = all(root, "g.marks.params rect.mark");
    expect(bars[0]?.getAttribute("fill")).toBe("#0072B2");
    expect(bars[1]?.getAttribute("fill")).toBe("#999999");
  });
});

describe("pretrain-loss", () => {
  it("draws total, BYOL and MFR losses with gaps and the phase-2 line", () => {
    const rows = [0, 50, 100, 150].map((step, i) => ({ phase: i < 2 ? 1 : 2, step, loss: i === 1 ? null : 3 - i, loss_byol: 2 - i / 2, loss_mfr: 1 }));
    const root = parseSvg(pretrainLossFigure({ rows }));
    const lines = all(root, "path.mark");
    expect(lines.map((l) => [l.getAttribute("data-series"), num(l, "data-points")])).toEqual([["loss", 3], ["loss_byol", 4], ["loss_mfr", 4]]);
    expect(lines[0]?.getAttribute("d")?.match(/M/g)).toHaveLength(2);
    expect(num(root.querySelector("g.ref-line.phase"), "data-value")).toBe(100);
    expect(texts(root, "g.legend-entry text")).toEqual(["total loss", "BYOL loss", "MFR loss"]);
    expect(text(root, "text.axis-label.x")).toBe("Global optimizer step");
  });
});
