import { StatsInputError } from "../validate";
import { confusionMatrix, type LabelOptions } from "./confusion";

/** Disagreement weights of Cohen's kappa. */
export type KappaWeights = "none" | "linear" | "quadratic";

/** Options of {@link cohenKappa}. */
export interface KappaOptions extends LabelOptions {
  /** Penalty for a disagreement between label positions i and j: 1, |i−j| or (i−j)². @default "none" */
  weights?: KappaWeights;
}

/**
 * Cohen's kappa between two raters (scikit-learn `cohen_kappa_score`); `weights: "quadratic"` is the QWK
 * used for ISUP grades and pN stages. Weights use label *positions* in the sorted label list.
 * Returns NaN (documented) when the expected disagreement is 0, e.g. both raters always give one label.
 */
export function cohenKappa(y1: ArrayLike<number>, y2: ArrayLike<number>, options: KappaOptions = {}): number {
  const { weights = "none" } = options;
  const { matrix } = confusionMatrix(y1, y2, options);
  const k = matrix.length;
  const sum0 = new Float64Array(k);
  const sum1 = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = (matrix[i] as number[])[j] as number;
      sum0[j]! += v;
      sum1[i]! += v;
      total += v;
    }
  }
  const w = (i: number, j: number): number => {
    if (weights === "none") return i === j ? 0 : 1;
    if (weights === "linear") return Math.abs(i - j);
    if (weights === "quadratic") return (i - j) * (i - j);
    throw new StatsInputError(`cohenKappa: unknown weights "${String(weights)}"`, "INVALID");
  };
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const wij = w(i, j);
      num += wij * ((matrix[i] as number[])[j] as number);
      // expected = outer(sum0, sum1) / total, so expected[i][j] = sum0[i] * sum1[j] / total
      den += wij * (((sum0[i] as number) * (sum1[j] as number)) / total);
    }
  }
  return 1 - num / den;
}
