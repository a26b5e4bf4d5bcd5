import { describe, expect, it } from "vitest";
import { all, parseSvg, text } from "../test/svg-query.js";
import { FIGURE_IDS, figures, type FigureId } from "./registry.js";
import { validateFigureInput } from "./inputs/validate-input.js";

const qcT = { tissue_pct_min: 0.1, white_pct_max: 0.75, blur_var_min: 15, pen_pct_max: 0.02 };
const qcNull = { slide_id: "s", cancer_code: "X", tissue_pct: null, white_pct: null, pen_pct: null, blur_var: null, excluded: false, reasons: [] };
const cls = (c: string, v: number | null) => ({ class: c, precision: v, recall: v, f1: v, auroc_ovr: v, support_patients: 5 });
const emb = (id: string, c: string, e: Array<number | null>) => ({ patient_id: id, class: c, embedding: e });

/** Per figure: empty input, input whose values are all undefined (NaN → null), and single-class input where that applies. */
const cases: Record<FigureId, { empty: unknown; nan?: unknown; single?: unknown }> = {
  "manifest-size": { empty: { dataset: "T", slides: [] }, nan: { dataset: "T", slides: [{ slide_id: "a", cancer_code: "X", size_bytes: null, mpp_x: null, mpp_y: null }] } },
  "manifest-mpp": { empty: { dataset: "T", slides: [] } },
  "manifest-codes": { empty: { dataset: "T", slides: [] } },
  "qc-tissue": { empty: { thresholds: qcT, slides: [] }, nan: { thresholds: qcT, slides: [qcNull, qcNull] } },
  "qc-blur": { empty: { thresholds: qcT, slides: [] }, nan: { thresholds: qcT, slides: [qcNull] } },
  "qc-white": { empty: { thresholds: qcT, slides: [] }, nan: { thresholds: qcT, slides: [qcNull] } },
  "qc-exclusion": { empty: { thresholds: qcT, slides: [] } },
  "tiling-tokens-0p5": { empty: { budget_0p5: 1200, budget_2p0: 400, slides: [] } },
  "tiling-tokens-2p0": { empty: { budget_0p5: 1200, budget_2p0: 400, slides: [] } },
  fig1c: { empty: { memory_label: "GB", models: [] } },
  fig3a: { empty: { source: "s", classes: [] }, nan: { source: "s", classes: [cls("A", null), cls("B", null)] }, single: { source: "s", classes: [cls("A", 0.9)] } },
  fig3b: { empty: { source: "s", classes: [] }, nan: { source: "s", classes: [cls("A", null), cls("B", null)] }, single: { source: "s", classes: [cls("A", 0.9)] } },
  fig3c: { empty: { source: "s", classes: [] }, nan: { source: "s", classes: [cls("A", null), cls("B", null)] }, single: { source: "s", classes: [cls("A", 0.9)] } },
  fig3d: { empty: { source: "s", classes: [] }, nan: { source: "s", classes: [cls("A", null), cls("B", null)] }, single: { source: "s", classes: [cls("A", 0.9)] } },
  fig4a: {
    empty: { auroc: null, auroc_ci95: null, slides: [], references: [] },
    nan: { auroc: null, auroc_ci95: null, slides: [{ slide_id: "a", y_true: 1, p_tumor: null }], references: [] },
    single: { auroc: null, auroc_ci95: null, slides: [{ slide_id: "a", y_true: 0, p_tumor: 0.2 }, { slide_id: "b", y_true: 0, p_tumor: 0.3 }], references: [] },
  },
  fig4b: {
    empty: { grades: [] },
    nan: { grades: [{ isup: 0, precision: null, recall: null, f1: null, support: 1 }, { isup: 1, precision: null, recall: null, f1: null, support: 1 }] },
    single: { grades: [{ isup: 2, precision: 1, recall: 1, f1: 1, support: 3 }] },
  },
  fig4c: { empty: { pooled_kappa_qw: null, pooled_ci95: null, centers: [] }, nan: { pooled_kappa_qw: null, pooled_ci95: null, centers: [{ center: "C0", n_patients: 3, kappa_qw: null }] } },
  fig4d: { empty: { labels: [], counts: [] }, nan: { labels: ["pN0", "pN1"], counts: [[0, 0], [0, 0]] }, single: { labels: ["pN0"], counts: [[4]] } },
  fig4e: {
    empty: { metric_label: "F1", model_a: "a", model_b: "b", classes: [] },
    nan: { metric_label: "F1", model_a: "a", model_b: "b", classes: [{ class: "A", a: null, b: null }] },
    single: { metric_label: "F1", model_a: "a", model_b: "b", classes: [{ class: "A", a: 0.5, b: 0.6 }] },
  },
  fig4f: { empty: { metric_label: "AUROC", evaluation: "e", providers: [] }, nan: { metric_label: "AUROC", evaluation: "e", providers: [{ provider: "p", n: 2, value: null, ci95: null }] } },
  supp1: {
    empty: { embeddings: { patients: [] }, confidence: { patients: [] } },
    nan: { embeddings: { patients: [emb("a", "A", [null, 1]), emb("b", "B", [1, null]), emb("c", "A", [null, null])] }, confidence: { patients: [] } },
    single: { embeddings: { patients: [emb("a", "A", [0, 1]), emb("b", "A", [1, 0]), emb("c", "A", [1, 1]), emb("d", "A", [0.5, 1])] }, confidence: { patients: [] } },
  },
  "pretrain-loss": { empty: { rows: [] }, nan: { rows: [{ phase: 1, step: 0, loss: null, loss_byol: null, loss_mfr: null }] } },
};

function expectMessageFigure(id: FigureId, input: unknown, pattern: RegExp): void {
  expect(validateFigureInput(id, input)).toEqual([]);
  const svg = (figures.get(id) as { render(i: unknown): string }).render(input);
  const root = parseSvg(svg);
  expect(root.getAttribute("data-figure")).toBe(id);
  expect(root.getAttribute("data-empty")).toBe("true");
  expect(text(root, "text.title")?.length).toBeGreaterThan(10);
  expect(text(root, "text.message-text")).toMatch(pattern);
  expect(all(root, ".mark")).toHaveLength(0);
}

describe("bad input gives a figure that says so", () => {
  it("covers every registered figure", () => {
    expect(Object.keys(cases).sort()).toEqual([...FIGURE_IDS].sort());
  });
  for (const id of FIGURE_IDS) {
    const c = cases[id];
    it(`${id}: empty data`, () => expectMessageFigure(id, c.empty, /No data|0 /));
    if (c.nan) it(`${id}: only undefined (NaN/null) values`, () => expectMessageFigure(id, c.nan, /undefined|NaN|every count is 0|complete embedding/));
    if (c.single) it(`${id}: a single class`, () => expectMessageFigure(id, c.single, /single class|Only 1 |Only one /));
  }
});
