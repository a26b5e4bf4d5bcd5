import { assertIntegerLabels, assertMatrix, StatsInputError } from "../validate";

/** Options of {@link expectedCalibrationError}. */
export interface EceOptions {
  /** Number of equal-width confidence bins on [0, 1]. @default 15 */
  nBins?: number;
  /** Label of each column of `probs`. @default [0, 1, …, k−1] */
  labels?: readonly number[];
}

/**
 * Expected calibration error of the top-label confidence (Guo et al. 2017): samples are binned by
 * max_k p_k into `nBins` equal-width bins (lo, hi] (the first bin also holds 0); ECE = Σ_b (n_b / n) ·
 * |accuracy_b − mean confidence_b|, where a sample is correct when its argmax column's label equals yTrue
 * (first maximum on ties). There is no scikit-learn function; the reference is a NumPy transcription of this sentence.
 */
export function expectedCalibrationError(yTrue: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>, options: EceOptions = {}): number {
  const { nBins = 15 } = options;
  if (!Number.isInteger(nBins) || nBins < 1) throw new StatsInputError(`expectedCalibrationError: nBins must be a positive integer, got ${nBins}`, "INVALID");
  assertIntegerLabels(yTrue, "expectedCalibrationError yTrue");
  const k = assertMatrix(probs, yTrue.length, "expectedCalibrationError probs");
  const labels = options.labels ?? Array.from({ length: k }, (_, i) => i);
  const n = yTrue.length;
  const count = new Float64Array(nBins);
  const correct = new Float64Array(nBins);
  const conf = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const row = probs[i] as ArrayLike<number>;
    let best = 0;
    for (let c = 1; c < k; c++) if ((row[c] as number) > (row[best] as number)) best = c;
    const p = row[best] as number;
    if (p < 0 || p > 1) throw new StatsInputError(`expectedCalibrationError: confidence ${p} at row ${i} is outside [0, 1]`, "INVALID");
    const b = Math.min(nBins - 1, Math.max(0, Math.ceil(p * nBins) - 1));
    count[b]! += 1;
    conf[b]! += p;
    if (labels[best] === yTrue[i]) correct[b]! += 1;
  }
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    const m = count[b] as number;
    if (m > 0) ece += (m / n) * Math.abs((correct[b] as number) / m - (conf[b] as number) / m);
  }
  return ece;
}
