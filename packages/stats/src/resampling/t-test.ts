import { StatsInputError } from "../validate";
import { studentTSf } from "./special";

/** A t statistic with its degrees of freedom and two-sided p-value. */
export interface TTestResult {
  /** Mean of the paired differences a − b. */
  meanDifference: number;
  /** Standard error used in the denominator. */
  standardError: number;
  t: number;
  df: number;
  pValue: number;
}

function differences(a: readonly number[], b: readonly number[], what: string): number[] {
  if (a.length !== b.length) throw new StatsInputError(`${what}: expected matched score lists, got ${a.length} and ${b.length}`, "LENGTH_MISMATCH");
  if (a.length < 2) throw new StatsInputError(`${what}: need at least 2 matched scores, got ${a.length}`, "EMPTY");
  return a.map((v, i) => {
    const d = v - (b[i] as number);
    if (!Number.isFinite(d)) throw new StatsInputError(`${what}: non-finite score at index ${i}`, "NOT_FINITE");
    return d;
  });
}

function tResult(d: number[], varianceFactor: number): TTestResult {
  const J = d.length;
  let mean = 0;
  for (const v of d) mean += v;
  mean /= J;
  let ss = 0;
  for (const v of d) ss += (v - mean) * (v - mean);
  const s2 = ss / (J - 1);
  const se = Math.sqrt(varianceFactor * s2);
  const t = se === 0 ? (mean === 0 ? Number.NaN : Math.sign(mean) * Number.POSITIVE_INFINITY) : mean / se;
  const df = J - 1;
  return { meanDifference: mean, standardError: se, t, df, pValue: Number.isNaN(t) ? Number.NaN : 2 * studentTSf(Math.abs(t), df) };
}

/**
 * Paired t-test over matched fold scores (SciPy `ttest_rel`). Folds of a repeated CV share training data,
 * so this p-value is anti-conservative; prefer {@link correctedResampledTTest}. Kept to reproduce the original.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): TTestResult {
  const d = differences(a, b, "pairedTTest");
  return tResult(d, 1 / d.length);
}

/** Options of {@link correctedResampledTTest}. */
export interface CorrectedTTestOptions {
  /** Training-set size of one fold (n₁). */
  nTrain: number;
  /** Test-set size of one fold (n₂). */
  nTest: number;
}

/**
 * Nadeau & Bengio (2003) corrected resampled t-test for comparing two models on the J = k·r matched folds of
 * a repeated k-fold CV: t = mean(d) / sqrt((1/J + n₂/n₁) · s²), df = J − 1 (Bouckaert & Frank 2004).
 * The n₂/n₁ term accounts for the overlap of training sets between folds.
 */
export function correctedResampledTTest(a: readonly number[], b: readonly number[], options: CorrectedTTestOptions): TTestResult {
  const { nTrain, nTest } = options;
  if (!(nTrain > 0 && nTest > 0)) throw new StatsInputError(`correctedResampledTTest: nTrain and nTest must be positive, got ${nTrain} and ${nTest}`, "INVALID");
  const d = differences(a, b, "correctedResampledTTest");
  return tResult(d, 1 / d.length + nTest / nTrain);
}
