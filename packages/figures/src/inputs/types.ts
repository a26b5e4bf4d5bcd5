/**
 * The JSON files @osfm/figures reads from a reproduce workspace, one interface per file.
 * Paths are relative to the workspace root; see README.md "Figure inputs". JSON has no NaN:
 * a metric that is undefined (NaN) is written as `null`, and figures say how many were missing.
 */

/** A 95% confidence interval `[low, high]`, in the unit of the value it belongs to. */
export type Ci95 = [number, number];

/** `manifests/manifest.json` (NB02): one row per slide found. Feeds `manifest-size`, `manifest-mpp`, `manifest-codes`. */
export interface ManifestFigureInput {
  /** Dataset name shown in titles, e.g. "TCGA". */
  dataset: string;
  slides: Array<{
    slide_id: string;
    /** Class label from the directory name ("UNKNOWN" if none). */
    cancer_code: string;
    /** File size in bytes; `null` if the file could not be read. */
    size_bytes: number | null;
    /** Level-0 µm per pixel; `null` when the slide does not declare it. */
    mpp_x: number | null;
    mpp_y: number | null;
  }>;
}

/** Exclusion thresholds of NB03, all as fractions of thumbnail pixels except `blur_var_min`. */
export interface QcThresholds {
  /** Exclude when tissue fraction < this. @default 0.10 */
  tissue_pct_min: number;
  /** Exclude when white fraction > this. @default 0.75 */
  white_pct_max: number;
  /** Exclude when Laplacian variance < this (grey levels²). @default 15 */
  blur_var_min: number;
  /** Exclude when pen fraction > this. @default 0.02 */
  pen_pct_max: number;
}

/** `qc/qc.json` (NB03). Feeds `qc-tissue`, `qc-blur`, `qc-white`, `qc-exclusion`. */
export interface QcFigureInput {
  thresholds: QcThresholds;
  slides: Array<{
    slide_id: string;
    cancer_code: string;
    /** Fractions in [0, 1] of all thumbnail pixels. */
    tissue_pct: number | null;
    white_pct: number | null;
    pen_pct: number | null;
    /** Variance of the Laplacian over tissue pixels (8-bit grey levels²). */
    blur_var: number | null;
    excluded: boolean;
    /** Reason tokens, e.g. ["low_tissue<0.10", "blur<15.0"]; empty when kept. */
    reasons: string[];
  }>;
}

/** `tiles/summary.json` (NB04). Feeds `tiling-tokens-0p5`, `tiling-tokens-2p0`. */
export interface TilingFigureInput {
  /** Token budget (max tiles kept) per slide at 0.5 µm/px. @default 1200 */
  budget_0p5: number;
  /** Token budget per slide at 2.0 µm/px. @default 400 */
  budget_2p0: number;
  slides: Array<{ slide_id: string; n_tiles_0p5: number; n_tiles_2p0: number }>;
}

/** `results/efficiency/models.json` (Fig 1C). Values are passed in, never hard-coded in the figure. */
export interface EfficiencyFigureInput {
  /** Label of the memory axis, saying what was measured, e.g. "Peak training memory (GB)". */
  memory_label: string;
  models: Array<{
    name: string;
    /** Parameter count in millions. */
    params_millions: number;
    /** Memory in GB as described by `memory_label`; `null` if unknown. */
    memory_gb: number | null;
    /** True for the model this workspace trained (highlighted). */
    ours: boolean;
    /** Where the number comes from ("this run", a paper citation, …). */
    source: string;
  }>;
}

/** One class row of the TCGA evaluation (NB07). */
export interface PerClassRow {
  class: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** One-vs-rest AUROC of this class from OOF probabilities. */
  auroc_ovr: number | null;
  /** Number of patients of this class (the unit of evaluation). */
  support_patients: number;
}

/** `results/tcga/per_class.json` (NB07). Feeds `fig3a`, `fig3b`, `fig3c`, `fig3d`. */
export interface PerClassFigureInput {
  /** What the predictions are, shown in subtitles, e.g. "OOF, 5-fold × 3 seeds, patient level". */
  source: string;
  classes: PerClassRow[];
  /** Optional class → organ-system map; classes missing from it fall back to `TCGA_ORGAN_SYSTEMS`, then "Other". */
  organ_systems?: Record<string, string>;
}

/** `results/tcga/paired.json` (Fig 4E): one metric per class for two models on the same folds. */
export interface PairedFigureInput {
  /** Metric label as plotted, e.g. "F1". */
  metric_label: string;
  model_a: string;
  model_b: string;
  classes: Array<{ class: string; a: number | null; b: number | null }>;
  /** Differences with |b − a| ≥ this are labelled. @default 0.04 */
  delta_label_min?: number;
}

/** A published AUROC shown as a text annotation on a ROC plot (never as a line). */
export interface ReferenceAuroc {
  name: string;
  auroc: number;
  /** Citation or note. */
  source?: string;
}

/** `results/cam16/oof.json` (NB09A). Feeds `fig4a`; the ROC curve is traced from the OOF scores. */
export interface RocFigureInput {
  /** AUROC of the OOF predictions as computed by @osfm/stats. */
  auroc: number | null;
  auroc_ci95: Ci95 | null;
  slides: Array<{ slide_id: string; y_true: 0 | 1; p_tumor: number | null }>;
  references: ReferenceAuroc[];
}

/** `results/cam17/per_center.json` (NB09). Feeds `fig4c`. */
export interface PerCenterFigureInput {
  /** Quadratic-weighted κ of the pooled leave-one-center-out predictions (all centers together). */
  pooled_kappa_qw: number | null;
  pooled_ci95: Ci95 | null;
  centers: Array<{ center: string; n_patients: number; kappa_qw: number | null }>;
}

/** `results/cam17/transitions.json` (NB09). Feeds `fig4d`; rows = true pN, columns = predicted pN. */
export interface TransitionFigureInput {
  /** Class labels in order, e.g. ["pN0", "pN1", "pN2", "pN3"]. */
  labels: string[];
  /** Raw counts `[true][predicted]`; the figure row-normalises them. */
  counts: number[][];
}

/** `results/panda/per_grade.json` (NB11/NB12). Feeds `fig4b`. */
export interface PerGradeFigureInput {
  grades: Array<{
    /** ISUP grade 0 (benign) … 5. */
    isup: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    support: number;
  }>;
}

/** `results/panda/by_provider.json` (NB12). Feeds `fig4f`; the title names `metric_label`. */
export interface ByProviderFigureInput {
  /** Metric as it must appear in the title and axis, e.g. "Macro AUROC (one-vs-rest, ISUP 0–5)". */
  metric_label: string;
  /** How the numbers were obtained, e.g. "within-provider OOF". */
  evaluation: string;
  providers: Array<{ provider: string; n: number; value: number | null; ci95: Ci95 | null }>;
}

/** `results/tcga/patient_embeddings.json` (NB08 → NB07 patient means). Feeds `supp1`. */
export interface EmbeddingsFigureInput {
  patients: Array<{ patient_id: string; class: string; embedding: Array<number | null> }>;
}

/** `results/tcga/oof_confidence.json` (NB07). Feeds `supp1`; joined to embeddings by `patient_id`. */
export interface OofConfidenceFigureInput {
  patients: Array<{
    patient_id: string;
    /** Maximum OOF class probability in [0, 1]. */
    confidence: number | null;
  }>;
}

/** Input of `supp1`: both files, matched by patient id inside the figure. */
export interface UmapFigureInput {
  embeddings: EmbeddingsFigureInput;
  confidence: OofConfidenceFigureInput;
}

/** `results/pretrain/loss.json` (NB06 training log). Feeds `pretrain-loss`. */
export interface PretrainLossFigureInput {
  rows: Array<{
    /** 1 = feature-space pretraining, 2 = end to end. */
    phase: number;
    /** Global optimizer step, increasing across phases. */
    step: number;
    loss: number | null;
    loss_byol: number | null;
    loss_mfr: number | null;
  }>;
}
