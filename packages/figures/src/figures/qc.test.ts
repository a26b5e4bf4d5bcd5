import { describe, expect, it } from "vitest";
import type { QcFigureInput } from "../inputs/types.js";
import { all, domain, num, parseSvg, text, texts } from "../../test/svg-query.js";
import { qcBlurFigure, qcExclusionFigure, qcTissueFigure, qcWhiteFigure } from "./qc.js";

const thresholds = { tissue_pct_min: 0.1, white_pct_max: 0.75, blur_var_min: 15, pen_pct_max: 0.02 };
function slide(i: number, tissue: number | null, code: string, excluded: boolean) {
  return { slide_id: `s${i}`, cancer_code: code, tissue_pct: tissue, white_pct: 0.2 + 0.05 * i, pen_pct: 0, blur_var: 10 + 10 * i, excluded, reasons: excluded ? ["low_tissue<0.10"] : [] };
}
const input: QcFigureInput = {
  thresholds,
  slides: [slide(0, 0.05, "BRCA", true), slide(1, 0.4, "BRCA", false), slide(2, 0.55, "LUAD", false), slide(3, 0.95, "LUAD", false), slide(4, null, "GBM", false)],
};

describe("qc-tissue", () => {
  const root = parseSvg(qcTissueFigure(input));
  it("has a title and axis labels that say what is plotted", () => {
    expect(text(root, "text.title")).toBe("QC: tissue fraction of each slide's thumbnail");
    expect(text(root, "text.axis-label.x")).toBe("Tissue pixels (% of thumbnail)");
    expect(text(root, "text.axis-label.y")).toBe("Number of slides");
  });
  it("draws 40 bins whose counts add up to the finite values, over the domain 0–100 %", () => {
    const bars = all(root, "rect.mark");
    expect(bars).toHaveLength(40);
    expect(bars.reduce((s, b) => s + num(b, "data-count"), 0)).toBe(4);
    expect(domain(root, "x")).toEqual(["0", "100"]);
    // 5% falls in bin 2 (width 2.5): [5, 7.5).
    expect(num(bars[2], "data-count")).toBe(1);
    expect(num(bars[38], "data-count")).toBe(1); // 95 % in [95, 97.5)
  });
  it("puts the threshold line at 10 % of the x range", () => {
    const line = root.querySelector("g.ref-line.threshold");
    expect(num(line, "data-value")).toBe(10);
    const l = line?.querySelector("line");
    const axisWidth = Number(root.querySelector("g.axis.x path.domain")?.getAttribute("d")?.match(/H([\d.]+)/)?.[1]) - 0.5;
    expect(num(l, "x1")).toBeCloseTo(axisWidth * 0.1, 1);
    expect(text(root, "g.ref-line.threshold text")).toBe("exclude < 10%");
  });
  it("says how many slides had no value", () => {
    expect(texts(root, "text.note")).toContain("1 slide with an undefined value (NaN/null) not counted");
  });
});

describe("qc-blur and qc-white", () => {
  it("qc-blur draws the blur threshold inside the domain", () => {
    const root = parseSvg(qcBlurFigure(input));
    expect(num(root.querySelector("g.ref-line"), "data-value")).toBe(15);
    const [lo, hi] = domain(root, "x").map(Number) as [number, number];
    expect(lo).toBe(0);
    expect(hi).toBe(50);
    expect(all(root, "rect.mark").reduce((s, b) => s + num(b, "data-count"), 0)).toBe(5);
  });
  it("qc-white draws the white threshold at 75 %", () => {
    const root = parseSvg(qcWhiteFigure(input));
    expect(num(root.querySelector("g.ref-line"), "data-value")).toBe(75);
    expect(text(root, "g.ref-line text")).toBe("exclude > 75%");
  });
});

describe("qc-exclusion", () => {
  it("draws one bar per cancer code with the exclusion rate and the overall rate line", () => {
    const root = parseSvg(qcExclusionFigure(input));
    const bars = all(root, "rect.mark");
    expect(bars.map((b) => b.getAttribute("data-label"))).toEqual(["BRCA", "GBM", "LUAD"]);
    expect(bars.map((b) => num(b, "data-value"))).toEqual([50, 0, 0]);
    expect(num(root.querySelector("g.ref-line.overall"), "data-value")).toBe(20);
    expect(text(root, "text.axis-label.x")).toBe("Slides excluded by QC (%)");
  });
});
