import {
  byProviderCheck,
  efficiencyCheck,
  embeddingsCheck,
  manifestCheck,
  oofConfidenceCheck,
  pairedCheck,
  perCenterCheck,
  perClassCheck,
  perGradeCheck,
  pretrainLossCheck,
  qcCheck,
  rocCheck,
  tilingCheck,
  transitionCheck,
} from "./schemas.js";
import type { Check } from "./validate.js";

/** One workspace file figures read: its path relative to the workspace root and its runtime shape. */
export interface InputFileSpec {
  path: string;
  check: Check<unknown>;
}

/** Every input file by key; the "Figure inputs" table of the README lists the same. */
export const INPUT_FILES = {
  manifest: { path: "manifests/manifest.json", check: manifestCheck },
  qc: { path: "qc/qc.json", check: qcCheck },
  tiling: { path: "tiles/summary.json", check: tilingCheck },
  efficiency: { path: "results/efficiency/models.json", check: efficiencyCheck },
  perClass: { path: "results/tcga/per_class.json", check: perClassCheck },
  paired: { path: "results/tcga/paired.json", check: pairedCheck },
  roc: { path: "results/cam16/oof.json", check: rocCheck },
  perCenter: { path: "results/cam17/per_center.json", check: perCenterCheck },
  transitions: { path: "results/cam17/transitions.json", check: transitionCheck },
  perGrade: { path: "results/panda/per_grade.json", check: perGradeCheck },
  byProvider: { path: "results/panda/by_provider.json", check: byProviderCheck },
  embeddings: { path: "results/tcga/patient_embeddings.json", check: embeddingsCheck },
  confidence: { path: "results/tcga/oof_confidence.json", check: oofConfidenceCheck },
  pretrainLoss: { path: "results/pretrain/loss.json", check: pretrainLossCheck },
} as const satisfies Record<string, InputFileSpec>;

/** Key of one input file in {@link INPUT_FILES}. */
export type InputFileKey = keyof typeof INPUT_FILES;
