import { averagePrecision } from "../metrics/average-precision";
import { rocAuc } from "../metrics/roc";
import { assertIntegerLabels, assertMatrix, StatsInputError } from "../validate";

/** Binary metrics of one ordinal cut "grade ≥ t". */
export interface ThresholdMetrics {
  threshold: number;
  /** AUROC of Σ_{k ≥ t} p_k for "label ≥ t"; NaN if one side is empty. */
  auroc: number;
  /** Average precision (AUPRC) of the same score; NaN without positives. */
  averagePrecision: number;
  /** Share of samples with label ≥ t. */
  prevalence: number;
}

/**
 * NB12's threshold-wise metrics for ordinal grades (ISUP 0–5): for each t, positive = label ≥ t and
 * score = Σ_{k ≥ t} p_k (column k = grade k). Undefined cuts (one class only) are NaN, as NB12 reports them.
 */
export function ordinalThresholdMetrics(yTrue: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>, thresholds: readonly number[] = [1, 2, 3, 4, 5]): ThresholdMetrics[] {
  assertIntegerLabels(yTrue, "ordinalThresholdMetrics yTrue");
  const k = assertMatrix(probs, yTrue.length, "ordinalThresholdMetrics probs");
  return thresholds.map((t) => {
    if (!(Number.isInteger(t) && t >= 1 && t < k)) throw new StatsInputError(`ordinalThresholdMetrics: threshold ${t} must be an integer in 1…${k - 1}`, "INVALID");
    const y = Array.from(yTrue, (v) => (v >= t ? 1 : 0));
    const score = probs.map((row) => {
      let s = 0;
      for (let c = t; c < k; c++) s += row[c] as number;
      return s;
    });
    const pos = y.reduce((a: number, b) => a + b, 0);
    const safe = (f: () => number): number => {
      try {
        return f();
      } catch (e) {
        if (e instanceof StatsInputError) return Number.NaN;
        throw e;
      }
    };
    return { threshold: t, auroc: safe(() => rocAuc(y, score)), averagePrecision: safe(() => averagePrecision(y, score)), prevalence: pos / y.length };
  });
}
