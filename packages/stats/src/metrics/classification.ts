import { npMean } from "../internal/numpy";
import { StatsInputError } from "../validate";
import { confusionMatrix, type LabelOptions } from "./confusion";

/** Per-class precision, recall, F1 and support, in the order of `labels`. */
export interface PrecisionRecallF1 {
  labels: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  /** Number of true samples of each label. */
  support: number[];
}

/**
 * Per-class precision, recall and F1 (scikit-learn `precision_recall_fscore_support`, average=None).
 * A ratio whose denominator is 0 is 0 (scikit-learn's `zero_division="warn"` value).
 */
export function precisionRecallF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: LabelOptions = {}): PrecisionRecallF1 {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, options);
  const k = labels.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = (matrix[c] as number[])[c] as number;
    let predSum = 0;
    let trueSum = 0;
    for (let r = 0; r < k; r++) {
      predSum += (matrix[r] as number[])[c] as number;
      trueSum += (matrix[c] as number[])[r] as number;
    }
    const p = predSum === 0 ? 0 : tp / predSum;
    const r = trueSum === 0 ? 0 : tp / trueSum;
    const denom = p + r;
    precision.push(p);
    recall.push(r);
    f1.push(denom === 0 ? 0 : (2 * p * r) / denom);
    support.push(trueSum);
  }
  return { labels, precision, recall, f1, support };
}

/** How per-class scores are combined: unweighted mean, support-weighted mean, or none (per class). */
export type Average = "macro" | "weighted" | "none";

/** Options of {@link f1Score}. */
export interface F1Options extends LabelOptions {
  /** @default "macro" */
  average?: Average;
}

function combine(values: number[], support: number[], average: Exclude<Average, "none">): number {
  if (average === "macro") return npMean(values);
  let total = 0;
  for (const s of support) total += s;
  if (total === 0) return 0;
  let acc = 0;
  for (let i = 0; i < values.length; i++) acc += (values[i] as number) * (support[i] as number);
  return acc / total;
}

/** F1 score (scikit-learn `f1_score`): macro or support-weighted mean over labels, or per-label values. */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: F1Options & { average: "none" }): number[];
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options?: F1Options): number;
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: F1Options = {}): number | number[] {
  const { average = "macro" } = options;
  const r = precisionRecallF1(yTrue, yPred, options);
  if (average === "none") return r.f1;
  if (average !== "macro" && average !== "weighted") throw new StatsInputError(`f1Score: unknown average "${String(average)}"`, "INVALID");
  return combine(r.f1, r.support, average);
}

/** Precision or recall averaged like {@link f1Score} (scikit-learn `precision_score` / `recall_score`). */
export function averagedScore(which: "precision" | "recall", yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: F1Options = {}): number | number[] {
  const { average = "macro" } = options;
  const r = precisionRecallF1(yTrue, yPred, options);
  const v = r[which];
  return average === "none" ? v : combine(v, r.support, average);
}

/**
 * Balanced accuracy: the mean recall over the classes present in yTrue (scikit-learn `balanced_accuracy_score`,
 * adjusted=false). Predicted labels that never occur in yTrue count as errors but add no class.
 */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { labels, matrix } = confusionMatrix(yTrue, yPred);
  const recalls: number[] = [];
  for (let c = 0; c < labels.length; c++) {
    const row = matrix[c] as number[];
    let s = 0;
    for (const v of row) s += v;
    if (s > 0) recalls.push((row[c] as number) / s);
  }
  return npMean(recalls);
}
