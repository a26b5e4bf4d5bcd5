import { assertIntegerLabels, assertPaired, StatsInputError } from "../validate";
import { binaryClfCurve } from "./roc";

/** A precision–recall curve, recall decreasing, ending at (recall 0, precision 1) like scikit-learn's. */
export interface PrecisionRecallCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/** Precision–recall curve (scikit-learn `precision_recall_curve`). Throws `SINGLE_CLASS` without positives. */
export function precisionRecallCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: { posLabel?: number } = {}): PrecisionRecallCurve {
  const { posLabel = 1 } = options;
  assertPaired(yTrue, score, "precisionRecallCurve");
  assertIntegerLabels(yTrue, "precisionRecallCurve yTrue");
  const pos = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) pos[i] = yTrue[i] === posLabel ? 1 : 0;
  const c = binaryClfCurve(pos, score);
  const m = c.tps.length;
  const total = c.tps[m - 1] as number;
  if (total === 0) {
    throw new StatsInputError("precisionRecallCurve: no positive sample in yTrue; recall is undefined", "SINGLE_CLASS");
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    const tp = c.tps[i] as number;
    const ps = tp + (c.fps[i] as number);
    precision.push(ps === 0 ? 0 : tp / ps);
    recall.push(tp / total);
    thresholds.push(c.thresholds[i] as number);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds };
}

/**
 * Average precision, the step-wise area under the precision–recall curve (scikit-learn
 * `average_precision_score`, binary): Σ (R_n − R_{n−1}) P_n. Throws `SINGLE_CLASS` when yTrue has no positive
 * (scikit-learn 1.2 returns a meaningless −0 there with a warning).
 */
export function averagePrecision(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: { posLabel?: number } = {}): number {
  const labels = new Set<number>();
  for (let i = 0; i < yTrue.length; i++) labels.add(yTrue[i] as number);
  if (labels.size > 2) throw new StatsInputError(`averagePrecision: expected a binary yTrue, found ${labels.size} labels`, "INVALID");
  const { precision, recall } = precisionRecallCurve(yTrue, score, options);
  let ap = 0;
  for (let i = 0; i + 1 < recall.length; i++) ap -= ((recall[i + 1] as number) - (recall[i] as number)) * (precision[i] as number);
  return ap;
}
