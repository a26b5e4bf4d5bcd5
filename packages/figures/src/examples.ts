import { INPUT_FILES, type InputFileKey } from "./inputs/files.js";
import type {
  ByProviderFigureInput,
  EfficiencyFigureInput,
  EmbeddingsFigureInput,
  ManifestFigureInput,
  OofConfidenceFigureInput,
  PairedFigureInput,
  PerCenterFigureInput,
  PerClassFigureInput,
  PerGradeFigureInput,
  PretrainLossFigureInput,
  QcFigureInput,
  RocFigureInput,
  TilingFigureInput,
  TransitionFigureInput,
} from "./inputs/types.js";
import { seededRandom } from "./figures/umap.js";

/** The built-in example inputs, one per input file (synthetic, seeded, shaped like a real run). */
export interface ExampleInputs {
  manifest: ManifestFigureInput;
  qc: QcFigureInput;
  tiling: TilingFigureInput;
  efficiency: EfficiencyFigureInput;
  perClass: PerClassFigureInput;
  paired: PairedFigureInput;
  roc: RocFigureInput;
  perCenter: PerCenterFigureInput;
  transitions: TransitionFigureInput;
  perGrade: PerGradeFigureInput;
  byProvider: ByProviderFigureInput;
  embeddings: EmbeddingsFigureInput;
  confidence: OofConfidenceFigureInput;
  pretrainLoss: PretrainLossFigureInput;
}

const CODES = ["BRCA", "LUAD", "LUSC", "KIRC", "KIRP", "COAD", "READ", "GBM", "LGG", "SKCM", "UCEC", "OV", "PRAD", "THCA", "HNSC", "STAD", "LIHC", "BLCA", "DLBC", "SARC"];

/**
 * Deterministic example data for every figure input file (same `seed` → same data), used by the
 * contact sheet when no workspace is given and in the README. Not real results.
 */
export function exampleInputs(seed = 7): ExampleInputs {
  const rnd = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const clamp01 = (v: number) => Math.max(0, Math.min(1, v));
  const slides = Array.from({ length: 240 }, (_, i) => ({ id: `TCGA-${String(10 + (i % 80)).padStart(2, "0")}-${String(1000 + i)}-01Z-00-DX1`, code: CODES[i % CODES.length] as string }));
  const classes = CODES.map((c, i) => {
    const support = Math.round(15 + 400 * rnd() ** 2);
    const f1 = clamp01(0.45 + 0.12 * Math.log10(support) + 0.08 * normal());
    return { class: c, precision: clamp01(f1 + 0.05 * normal()), recall: clamp01(f1 + 0.05 * normal()), f1: i === 18 ? null : f1, auroc_ovr: clamp01(0.85 + 0.1 * f1 + 0.02 * normal()), support_patients: support };
  });
  const patients = Array.from({ length: 300 }, (_, i) => {
    const cls = i % 8;
    return { patient_id: `TCGA-${String(10 + (i % 50)).padStart(2, "0")}-P${String(i).padStart(3, "0")}`, class: CODES[cls] as string, embedding: Array.from({ length: 32 }, (_, j) => (j % 8 === cls ? 2 : 0) + normal()) };
  });
  return {
    manifest: { dataset: "TCGA", slides: slides.map((s, i) => ({ slide_id: s.id, cancer_code: s.code, size_bytes: Math.round((0.2 + 1.5 * rnd() ** 1.5) * 1024 ** 3), mpp_x: i % 17 === 0 ? null : 0.2525, mpp_y: i % 17 === 0 ? null : 0.2525 })) },
    qc: {
      thresholds: { tissue_pct_min: 0.1, white_pct_max: 0.75, blur_var_min: 15, pen_pct_max: 0.02 },
      slides: slides.map((s, i) => {
        const tissue = clamp01(0.35 + 0.18 * normal());
        const white = clamp01(0.9 - tissue + 0.05 * normal());
        const blur = Math.max(0, 60 + 25 * normal());
        const pen = i % 23 === 0 ? 0.05 : 0.002;
        const reasons = [tissue < 0.1 ? "low_tissue<0.10" : "", white > 0.75 ? "white>0.75" : "", blur < 15 ? "blur<15.0" : "", pen > 0.02 ? "pen>0.02" : ""].filter(Boolean);
        return { slide_id: s.id, cancer_code: s.code, tissue_pct: tissue, white_pct: white, pen_pct: pen, blur_var: i === 5 ? null : blur, excluded: reasons.length > 0, reasons };
      }),
    },
    tiling: { budget_0p5: 1200, budget_2p0: 400, slides: slides.map((s) => ({ slide_id: s.id, n_tiles_0p5: Math.min(1200, Math.round(200 + 1400 * rnd())), n_tiles_2p0: Math.min(400, Math.round(40 + 420 * rnd())) })) },
    efficiency: {
      memory_label: "Peak memory while training (GB)",
      models: [
        { name: "OpenSlideFM", params_millions: 71.1, memory_gb: 24, ours: true, source: "this run" },
        { name: "Model B", params_millions: 307, memory_gb: 40, ours: false, source: "example value" },
        { name: "Model C", params_millions: 632, memory_gb: 40, ours: false, source: "example value" },
      ],
    },
    perClass: { source: "example data: OOF, 5 folds × 3 seeds, patient level", classes },
    paired: { metric_label: "F1", model_a: "ImageNet features", model_b: "pretrained aggregator", classes: classes.slice(0, 10).map((c) => ({ class: c.class, a: clamp01((c.f1 ?? 0.5) - 0.05 + 0.04 * normal()), b: c.f1 })) },
    roc: (() => {
      const rows = Array.from({ length: 160 }, (_, i) => {
        const y = (i % 5 < 2 ? 1 : 0) as 0 | 1;
        return { slide_id: `${y ? "tumor" : "normal"}_${String(i).padStart(3, "0")}`, y_true: y, p_tumor: 1 / (1 + Math.exp(-(y ? 1.2 : -1.2) - 1.1 * normal())) };
      });
      return { auroc: null, auroc_ci95: null, slides: rows, references: [{ name: "Model B", auroc: 0.795, source: "published" }, { name: "Model C", auroc: 0.812, source: "published" }] };
    })(),
    perCenter: { pooled_kappa_qw: 0.62, pooled_ci95: [0.48, 0.74], centers: [0, 1, 2, 3, 4].map((c) => ({ center: `CEN${c}`, n_patients: 20, kappa_qw: c === 3 ? -0.12 : 0.4 + 0.1 * c })) },
    transitions: { labels: ["pN0", "pN1", "pN2", "pN3"], counts: [[30, 6, 1, 0], [7, 20, 4, 1], [1, 5, 12, 2], [0, 1, 3, 7]] },
    perGrade: { grades: [0, 1, 2, 3, 4, 5].map((g) => ({ isup: g, precision: clamp01(0.75 - 0.06 * g + 0.05 * normal()), recall: clamp01(0.7 - 0.05 * g + 0.05 * normal()), f1: clamp01(0.72 - 0.055 * g), support: 200 - 20 * g })) },
    byProvider: { metric_label: "Macro AUROC (one-vs-rest, ISUP 0–5)", evaluation: "within-provider out-of-fold predictions", providers: [{ provider: "karolinska", n: 540, value: 0.91, ci95: [0.89, 0.93] }, { provider: "radboud", n: 520, value: 0.87, ci95: [0.84, 0.9] }] },
    embeddings: { patients },
    confidence: { patients: [...patients].reverse().map((p, i) => ({ patient_id: p.patient_id, confidence: clamp01(0.55 + 0.3 * rnd() - (i % 7 === 0 ? 0.3 : 0)) })) },
    pretrainLoss: { rows: Array.from({ length: 120 }, (_, i) => { const step = i * 50; const byol = 1.6 * Math.exp(-step / 1500) + 0.25 + 0.03 * normal(); const mfr = 0.9 * Math.exp(-step / 2500) + 0.15 + 0.02 * normal(); return { phase: i < 90 ? 1 : 2, step, loss: byol + mfr, loss_byol: byol, loss_mfr: mfr }; }) },
  };
}

/** The example inputs laid out as workspace files: workspace-relative path → JSON value. */
export function exampleWorkspaceFiles(seed = 7): Map<string, unknown> {
  const ex = exampleInputs(seed);
  return new Map((Object.keys(INPUT_FILES) as InputFileKey[]).map((k) => [INPUT_FILES[k].path, ex[k]]));
}
