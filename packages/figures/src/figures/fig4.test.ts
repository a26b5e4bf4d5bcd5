import { describe, expect, it } from "vitest";
import { all, domain, num, parseSvg, text, texts } from "../../test/svg-query.js";
import { fig4aFigure } from "./fig4a.js";
import { fig4bFigure } from "./fig4b.js";
import { fig4cFigure } from "./fig4c.js";
import { fig4dFigure } from "./fig4d.js";
import { fig4eFigure } from "./fig4e.js";
import { fig4fFigure } from "./fig4f.js";

describe("fig4a ROC", () => {
  // Scores: tumour 0.9, 0.8, 0.4; normal 0.7, 0.3. Hand ROC: (0,0) (0,1/3) (0,2/3) (1/2,2/3) (1/2,1) (1,1); AUROC = 5/6.
  const slides = [
    { slide_id: "t1", y_true: 1 as const, p_tumor: 0.9 },
    { slide_id: "t2", y_true: 1 as const, p_tumor: 0.8 },
    { slide_id: "n1", y_true: 0 as const, p_tumor: 0.7 },
    { slide_id: "t3", y_true: 1 as const, p_tumor: 0.4 },
    { slide_id: "n2", y_true: 0 as const, p_tumor: 0.3 },
  ];
  const input = { auroc: 5 / 6, auroc_ci95: [0.6, 1] as [number, number], slides, references: [{ name: "UNI", auroc: 0.795 }, { name: "Virchow", auroc: 0.812 }] };
  const root = parseSvg(fig4aFigure(input));
  it("traces the ROC vertices and labels AUROC with its CI", () => {
    const curve = root.querySelector("path.roc-curve");
    expect(num(curve, "data-points")).toBe(6);
    expect(num(curve, "data-auroc")).toBeCloseTo(5 / 6, 12);
    expect(texts(root, "g.legend-entry text")[0]).toBe("this model: AUROC 0.833, 95% CI 0.600–1.000");
    expect(text(root, "text.axis-label.x")).toBe("False-positive rate (1 − specificity)");
    expect(domain(root, "x")).toEqual(["0", "1"]);
  });
  it("shows reference AUROCs as text annotations, not as lines", () => {
    expect(texts(root, "text.reference-annotation")).toEqual(["UNI: 0.795", "Virchow: 0.812"]);
    const plotH = Number(root.querySelector("g.axis.x")?.getAttribute("transform")?.match(/,([\d.]+)\)/)?.[1]);
    for (const ref of [0.795, 0.812]) {
      const yPx = Math.round((1 - ref) * plotH * 100) / 100;
      const horizontal = all(root, "line").filter((l) => l.getAttribute("y1") === l.getAttribute("y2") && Math.abs(num(l, "y1") - yPx) < 0.02);
      expect(horizontal).toHaveLength(0);
    }
  });
  it("computes the AUROC from the curve when none is given", () => {
    const r = parseSvg(fig4aFigure({ ...input, auroc: null, auroc_ci95: null }));
    expect(num(r.querySelector("path.roc-curve"), "data-auroc")).toBeCloseTo(5 / 6, 12);
  });
  it("warns when the AUROC passed in is not the area under the plotted curve", () => {
    expect(texts(root, "text.note").some((t) => t.startsWith("warning"))).toBe(false);
    const r = parseSvg(fig4aFigure({ ...input, auroc: 0.9 }));
    expect(texts(r, "text.note")).toContain("warning: the AUROC in the input (0.9000) differs from the area under this curve (0.8333)");
  });
  it("a single class gives a figure that says so", () => {
    const r = parseSvg(fig4aFigure({ ...input, slides: slides.filter((s) => s.y_true === 1) }));
    expect(r.getAttribute("data-empty")).toBe("true");
    expect(text(r, "text.message-text")).toBe("ROC undefined: all 3 slides are tumour (a single class).");
  });
});

describe("fig4b per grade", () => {
  const grades = [0, 1, 2, 3, 4, 5].map((g) => ({ isup: g, precision: 0.5 + g / 20, recall: 0.6, f1: g === 5 ? null : 0.55, support: 10 + g }));
  const root = parseSvg(fig4bFigure({ grades }));
  it("labels grades with correct ISUP / Gleason groups", () => {
    expect(texts(root, "g.axis.x .tick text")).toEqual(["ISUP 0", "ISUP 1", "ISUP 2", "ISUP 3", "ISUP 4", "ISUP 5"]);
    const sub = texts(root, "text.sublabel");
    expect(sub.filter((_, i) => i % 2 === 0)).toEqual(["benign", "3+3 (≤6)", "3+4", "4+3", "4+4, 3+5, 5+3", "9–10"]);
    expect(sub.join(" ")).not.toMatch(/<3\+3|>4\+5/);
  });
  it("draws precision, recall and F1 per grade (undefined values: no bar) with a 3-entry legend", () => {
    expect(all(root, "rect.mark")).toHaveLength(17);
    expect(texts(root, "g.legend-entry text")).toEqual(["precision", "recall", "F1"]);
    expect(domain(root, "y")).toEqual(["0", "1"]);
    expect(texts(root, "text.note")[0]).toContain("1 undefined value");
  });
});

describe("fig4c per center", () => {
  const input = { pooled_kappa_qw: 0.7, pooled_ci95: null, centers: [{ center: "CEN0", n_patients: 20, kappa_qw: 0.5 }, { center: "CEN1", n_patients: 20, kappa_qw: -0.2 }, { center: "CEN2", n_patients: 20, kappa_qw: 0.9 }] };
  const root = parseSvg(fig4cFigure(input));
  it("draws the pooled κ line (not the mean of centers) labelled pooled", () => {
    expect(num(root.querySelector("g.ref-line.pooled"), "data-value")).toBe(0.7);
    expect(text(root, "g.ref-line.pooled text")).toBe("pooled κ (all centers) = 0.70");
    expect(texts(root, "text.note")).toContain("mean of per-center κ = 0.40 (not the pooled κ)");
  });
  it("colours negative κ differently and includes it in the domain", () => {
    const bars = all(root, "rect.mark");
    expect(bars).toHaveLength(3);
    expect(bars[1]?.getAttribute("fill")).not.toBe(bars[0]?.getAttribute("fill"));
    expect(Number(domain(root, "y")[0])).toBe(-0.2);
    expect(root.querySelector("line.zero-line")).not.toBeNull();
  });
});

describe("fig4d transitions", () => {
  it("row-normalises counts, annotates cells and has a 0–1 colour bar", () => {
    const root = parseSvg(fig4dFigure({ labels: ["pN0", "pN1", "pN2"], counts: [[8, 2, 0], [1, 3, 0], [0, 0, 0]] }));
    const cells = all(root, "g.mark.cell");
    expect(cells).toHaveLength(9);
    expect(num(cells[0], "data-value")).toBeCloseTo(0.8, 12);
    expect(num(cells[4], "data-value")).toBeCloseTo(0.75, 12);
    expect(cells[6]?.getAttribute("data-value")).toBe("NaN");
    expect(text(root, "g.mark.cell text")).toBe("0.80 (8)");
    expect(root.querySelector("g.colour-bar")?.getAttribute("data-domain")).toBe("0|1");
    expect(text(root, "text.axis-label.x")).toBe("Predicted pN stage");
    expect(texts(root, "text.note")).toContain("no patients with true stage pN2: row undefined (–)");
  });
  it("a non-square matrix gives a figure that says so", () => {
    const root = parseSvg(fig4dFigure({ labels: ["pN0", "pN1"], counts: [[1, 2]] }));
    expect(text(root, "text.message-text")).toContain("Malformed matrix");
  });
});

describe("fig4e paired", () => {
  it("draws two bars per class and labels |Δ| ≥ 0.04", () => {
    const root = parseSvg(fig4eFigure({ metric_label: "F1", model_a: "A", model_b: "B", classes: [{ class: "X", a: 0.5, b: 0.6 }, { class: "Y", a: 0.7, b: 0.72 }, { class: "Z", a: 0.8, b: 0.7 }] }));
    expect(text(root, "text.title")).toBe("Per-class F1: A vs B");
    expect(all(root, "rect.mark")).toHaveLength(6);
    expect(texts(root, "g.legend-entry text")).toEqual(["A", "B"]);
    expect(all(root, "text.delta").map((d) => d.getAttribute("data-label"))).toEqual(["X", "Z"]);
    expect(texts(root, "text.delta")).toEqual(["+0.10", "−0.10"]);
  });
});

describe("fig4f by provider", () => {
  it("is titled with the metric actually plotted and draws CIs", () => {
    const root = parseSvg(fig4fFigure({ metric_label: "Macro AUROC", evaluation: "within-provider OOF", providers: [{ provider: "karolinska", n: 5, value: 0.9, ci95: [0.85, 0.95] }, { provider: "radboud", n: 6, value: 0.8, ci95: null }] }));
    expect(text(root, "text.title")).toBe("PANDA Macro AUROC by data provider");
    expect(text(root, "text.axis-label.y")).toBe("Macro AUROC");
    expect(all(root, "rect.mark").map((b) => num(b, "data-value"))).toEqual([0.9, 0.8]);
    expect(all(root, "g.interval")).toHaveLength(1);
    expect(texts(root, "text.bar-annotation")).toEqual(["n=5", "n=6"]);
  });
});
