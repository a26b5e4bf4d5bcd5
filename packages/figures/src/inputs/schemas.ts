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
} from "./types.js";
import { arr, binary, bool, count, metric, nullable, num, numTuple, obj, optional, record, str, type Check } from "./validate.js";

const ci95 = nullable(numTuple<[number, number]>(2));

/** Runtime shape of `manifests/manifest.json`. */
export const manifestCheck: Check<ManifestFigureInput> = obj({
  dataset: str,
  slides: arr(obj({ slide_id: str, cancer_code: str, size_bytes: metric, mpp_x: metric, mpp_y: metric })),
});

/** Runtime shape of `qc/qc.json`. */
export const qcCheck: Check<QcFigureInput> = obj({
  thresholds: obj({ tissue_pct_min: num, white_pct_max: num, blur_var_min: num, pen_pct_max: num }),
  slides: arr(
    obj({
      slide_id: str,
      cancer_code: str,
      tissue_pct: metric,
      white_pct: metric,
      pen_pct: metric,
      blur_var: metric,
      excluded: bool,
      reasons: arr(str),
    }),
  ),
});

/** Runtime shape of `tiles/summary.json`. */
export const tilingCheck: Check<TilingFigureInput> = obj({
  budget_0p5: count,
  budget_2p0: count,
  slides: arr(obj({ slide_id: str, n_tiles_0p5: count, n_tiles_2p0: count })),
});

/** Runtime shape of `results/efficiency/models.json`. */
export const efficiencyCheck: Check<EfficiencyFigureInput> = obj({
  memory_label: str,
  models: arr(obj({ name: str, params_millions: count, memory_gb: metric, ours: bool, source: str })),
});

/** Runtime shape of `results/tcga/per_class.json`. */
export const perClassCheck: Check<PerClassFigureInput> = obj({
  source: str,
  classes: arr(
    obj({ class: str, precision: metric, recall: metric, f1: metric, auroc_ovr: metric, support_patients: count }),
  ),
  organ_systems: optional(record(str)),
});

/** Runtime shape of `results/tcga/paired.json`. */
export const pairedCheck: Check<PairedFigureInput> = obj({
  metric_label: str,
  model_a: str,
  model_b: str,
  classes: arr(obj({ class: str, a: metric, b: metric })),
  delta_label_min: optional(num),
});

/** Runtime shape of `results/cam16/oof.json`. */
export const rocCheck: Check<RocFigureInput> = obj({
  auroc: metric,
  auroc_ci95: ci95,
  slides: arr(obj({ slide_id: str, y_true: binary, p_tumor: metric })),
  references: arr(obj({ name: str, auroc: num, source: optional(str) })),
});

/** Runtime shape of `results/cam17/per_center.json`. */
export const perCenterCheck: Check<PerCenterFigureInput> = obj({
  pooled_kappa_qw: metric,
  pooled_ci95: ci95,
  centers: arr(obj({ center: str, n_patients: count, kappa_qw: metric })),
});

/** Runtime shape of `results/cam17/transitions.json`. */
export const transitionCheck: Check<TransitionFigureInput> = obj({
  labels: arr(str),
  counts: arr(arr(count)),
});

/** Runtime shape of `results/panda/per_grade.json`. */
export const perGradeCheck: Check<PerGradeFigureInput> = obj({
  grades: arr(obj({ isup: num, precision: metric, recall: metric, f1: metric, support: count })),
});

/** Runtime shape of `results/panda/by_provider.json`. */
export const byProviderCheck: Check<ByProviderFigureInput> = obj({
  metric_label: str,
  evaluation: str,
  providers: arr(obj({ provider: str, n: count, value: metric, ci95 })),
});

/** Runtime shape of `results/tcga/patient_embeddings.json`. */
export const embeddingsCheck: Check<EmbeddingsFigureInput> = obj({
  patients: arr(obj({ patient_id: str, class: str, embedding: arr(metric) })),
});

/** Runtime shape of `results/tcga/oof_confidence.json`. */
export const oofConfidenceCheck: Check<OofConfidenceFigureInput> = obj({
  patients: arr(obj({ patient_id: str, confidence: metric })),
});

/** Runtime shape of `results/pretrain/loss.json`. */
export const pretrainLossCheck: Check<PretrainLossFigureInput> = obj({
  rows: arr(obj({ phase: num, step: num, loss: metric, loss_byol: metric, loss_mfr: metric })),
});
