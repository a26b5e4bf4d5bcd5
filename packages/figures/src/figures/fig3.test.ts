import { describe, expect, it } from "vitest";
import type { PerClassFigureInput } from "../inputs/types.js";
import { all, domain, num, parseSvg, text, texts } from "../../test/svg-query.js";
import { fig3aFigure, fig3bFigure } from "./fig3ab.js";
import { fig3cFigure } from "./fig3c.js";
import { fig3dFigure } from "./fig3d.js";

function row(cls: string, f1: number | null, support: number, auroc: number | null = 0.9) {
  return { class: cls, precision: f1, recall: f1, f1, auroc_ovr: auroc, support_patients: support };
}
const input: PerClassFigureInput = {
  source: "fixed test data",
  classes: [row("BRCA", 0.9, 1000), row("LUAD", 0.7, 100, 0.8), row("LUSC", 0.5, 10, 0.7), row("KIRC", 0.8, 100, 0.95), row("XXX", null, 5, null)],
};

describe("fig3a per-class F1", () => {
  const root = parseSvg(fig3aFigure(input));
  it("is titled and labelled as F1", () => {
    expect(text(root, "text.title")).toBe("TCGA per-class F1 (5 classes)");
    expect(text(root, "text.axis-label.x")).toBe("F1 score");
    expect(text(root, "text.axis-label.y")).toBe("Cancer type");
  });
  it("draws one bar per class with a value, highest first, on 0–1, with the mean line", () => {
    const bars = all(root, "rect.mark");
    expect(bars.map((b) => b.getAttribute("data-label"))).toEqual(["BRCA", "KIRC", "LUAD", "LUSC"]);
    expect(domain(root, "x")).toEqual(["0", "1"]);
    expect(num(root.querySelector("g.ref-line.mean"), "data-value")).toBeCloseTo((0.9 + 0.7 + 0.5 + 0.8) / 4, 12);
    expect(text(root, "g.ref-line.mean text")).toBe("mean F1 = 0.73");
    expect(texts(root, "text.note")).toContain("1 class with an undefined value (NaN/null) not shown");
  });
  it("a single class gives a figure that says so", () => {
    const one = parseSvg(fig3aFigure({ source: "x", classes: [row("BRCA", 0.9, 10)] }));
    expect(one.getAttribute("data-empty")).toBe("true");
    expect(text(one, "text.message-text")).toContain("Only 1 class");
  });
});

describe("fig3b per-class AUROC", () => {
  it("plots one-vs-rest AUROC from 0.5 with the mean", () => {
    const root = parseSvg(fig3bFigure(input));
    expect(text(root, "text.title")).toContain("one-vs-rest AUROC");
    expect(domain(root, "x")).toEqual(["0.5", "1"]);
    expect(all(root, "rect.mark").map((b) => num(b, "data-value"))).toEqual([0.95, 0.9, 0.8, 0.7]);
    expect(num(root.querySelector("g.ref-line.mean"), "data-value")).toBeCloseTo(0.8375, 12);
  });
});

describe("fig3c organ systems", () => {
  it("groups classes with the default map, mean ± SD (ddof 1) and n types", () => {
    const root = parseSvg(fig3cFigure(input));
    const bars = all(root, "rect.mark");
    // Respiratory: LUAD 0.7, LUSC 0.5 → mean 0.6, SD 0.1414; Breast 0.9; Genitourinary (KIRC) 0.8.
    expect(bars.map((b) => b.getAttribute("data-label"))).toEqual(["Breast", "Genitourinary", "Respiratory"]);
    expect(num(bars[2], "data-value")).toBeCloseTo(0.6, 12);
    const iv = root.querySelector("g.interval");
    expect(num(iv, "data-low")).toBeCloseTo(0.6 - Math.SQRT2 / 10, 12);
    expect(num(iv, "data-high")).toBeCloseTo(0.6 + Math.SQRT2 / 10, 12);
    expect(texts(root, "text.bar-annotation")).toEqual(["n=1", "n=1", "n=2"]);
  });
  it("uses the organ map passed as data", () => {
    const root = parseSvg(fig3cFigure({ ...input, organ_systems: { BRCA: "Thorax", LUAD: "Thorax" } }));
    expect(all(root, "rect.mark").map((b) => b.getAttribute("data-label"))).toEqual(["Genitourinary", "Thorax", "Respiratory"]); // Thorax mean (0.9 + 0.7)/2 is just below 0.8 in binary
  });
});

describe("fig3d F1 vs support", () => {
  it("is titled as F1 (not accuracy) with a log x axis", () => {
    const root = parseSvg(fig3dFigure(input));
    expect(text(root, "text.title")).toBe("TCGA per-class F1 vs number of patients in the class");
    expect(text(root, "text.title")?.toLowerCase()).not.toContain("accuracy");
    expect(text(root, "text.axis-label.y")).toBe("F1 score");
    expect(text(root, "text.axis-label.x")).toBe("Patients in the class (log scale)");
    expect(all(root, "circle.mark")).toHaveLength(4);
  });
  it("fits F1 on log10(patients) and reports Pearson r (exact on collinear data)", () => {
    const exact: PerClassFigureInput = { source: "s", classes: [row("A", 0.3, 10), row("B", 0.5, 100), row("C", 0.7, 1000)] };
    const root = parseSvg(fig3dFigure(exact));
    const fit = root.querySelector("g.fit");
    expect(num(fit, "data-slope")).toBeCloseTo(0.2, 12);
    expect(num(fit, "data-intercept")).toBeCloseTo(0.1, 12);
    expect(num(fit, "data-r")).toBeCloseTo(1, 12);
    expect(texts(root, "g.legend-entry text")[1]).toBe("fit: F1 = 0.10 + 0.20·log10(patients); Pearson r(F1, log10 patients) = 1.00");
  });
  it("Pearson r matches a hand computation on scattered data (1e-12)", () => {
    const root = parseSvg(fig3dFigure(input));
    const x = [3, 2, 1, 2];
    const y = [0.9, 0.7, 0.5, 0.8];
    const mx = 2;
    const my = 0.725;
    const sxy = x.reduce((s, v, i) => s + (v - mx) * ((y[i] as number) - my), 0);
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
    expect(num(root.querySelector("g.fit"), "data-r")).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });
});
