import { describe, expect, it } from "vitest";
import { parseSvg, text } from "../test/svg-query.js";
import { exampleInputs } from "./examples.js";
import { FigureInputError } from "./errors.js";
import { renderFigure, validateFigureInput } from "./inputs/validate-input.js";
import { FIGURE_IDS, figureInputPaths, figures } from "./registry.js";

const ISSUE_IDS = ["manifest-size", "manifest-mpp", "manifest-codes", "qc-tissue", "qc-blur", "qc-white", "qc-exclusion", "tiling-tokens-0p5", "tiling-tokens-2p0", "fig1c", "fig3a", "fig3b", "fig3c", "fig3d", "fig4a", "fig4b", "fig4c", "fig4d", "fig4e", "fig4f", "supp1", "pretrain-loss"];

function exampleFor(id: (typeof FIGURE_IDS)[number]): unknown {
  const ex = exampleInputs() as unknown as Record<string, unknown>;
  const d = figures.get(id);
  if (!d) throw new Error(id);
  return d.files.length === 1 ? ex[d.files[0] as string] : Object.fromEntries(d.files.map((k) => [k, ex[k]]));
}

describe("registry", () => {
  it("has exactly the ids of issue 11", () => {
    expect([...figures.keys()]).toEqual(ISSUE_IDS);
    expect([...FIGURE_IDS]).toEqual(ISSUE_IDS);
  });
  it("maps supp1 to both TCGA files and 3A–3D to the per-class table", () => {
    expect(figureInputPaths("supp1")).toEqual(["results/tcga/patient_embeddings.json", "results/tcga/oof_confidence.json"]);
    for (const id of ["fig3a", "fig3b", "fig3c", "fig3d"] as const) expect(figureInputPaths(id)).toEqual(["results/tcga/per_class.json"]);
  });
  it("the example inputs are valid, and every figure renders them deterministically (byte-identical SVG)", () => {
    for (const id of FIGURE_IDS) {
      const input = exampleFor(id);
      expect(validateFigureInput(id, input), id).toEqual([]);
      const a = renderFigure(id, input);
      const b = renderFigure(id, structuredClone(input));
      expect(a === b, id).toBe(true);
      const root = parseSvg(a);
      expect(root.getAttribute("data-figure")).toBe(id);
      expect(root.getAttribute("data-empty")).toBeNull();
      expect(text(root, "text.title")?.length).toBeGreaterThan(10);
    }
  });
});

describe("validateFigureInput / renderFigure", () => {
  it("reports every problem with its JSON path", () => {
    const issues = validateFigureInput("qc-tissue", { thresholds: { tissue_pct_min: "0.1" }, slides: [{ slide_id: "a", cancer_code: "X", tissue_pct: Number.NaN, white_pct: 0, pen_pct: 0, blur_var: 0, excluded: 0, reasons: [] }] });
    expect(issues.map((i) => i.path)).toEqual([
      "$.thresholds.tissue_pct_min",
      "$.thresholds.white_pct_max",
      "$.thresholds.blur_var_min",
      "$.thresholds.pen_pct_max",
      "$.slides[0].tissue_pct",
      "$.slides[0].excluded",
    ]);
    expect(issues[4]).toEqual({ path: "$.slides[0].tissue_pct", expected: "finite number or null", found: "NaN" });
  });
  it("prefixes issues of multi-file figures with the file key", () => {
    expect(validateFigureInput("supp1", { embeddings: { patients: [] } })).toEqual([{ path: "confidence", expected: "object", found: "undefined" }]);
  });
  it("renderFigure throws a FigureInputError naming the file and issues", () => {
    let err: unknown;
    try {
      renderFigure("fig4d", { labels: ["pN0"], counts: [[-1]] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FigureInputError);
    expect((err as FigureInputError).code).toBe("INVALID");
    expect((err as FigureInputError).file).toBe("results/cam17/transitions.json");
    expect((err as FigureInputError).message).toContain("$.counts[0][0]: expected finite number ≥ 0, found -1");
  });
});
