import { normalCdf, normalQuantile } from "./special";

/**
 * Quantile levels of the BCa interval (Efron & Tibshirani 1993, eq. 14.10): bias correction
 * z0 = Φ⁻¹(share of resamples below the estimate, ties counted half) and acceleration
 * a = Σd³ / (6 (Σd²)^{3/2}) from jackknife deviations d (NaN jackknife values are skipped).
 */
export function bcaLevels(estimate: number, sortedValid: Float64Array, jack: Float64Array, alpha: number): [number, number] {
  const b = sortedValid.length;
  let below = 0;
  let belowEq = 0;
  for (const v of sortedValid) {
    if (v < estimate) below++;
    if (v <= estimate) belowEq++;
  }
  const z0 = normalQuantile((below + belowEq) / (2 * b));
  const j = jack.filter((v) => !Number.isNaN(v));
  let mean = 0;
  for (const v of j) mean += v;
  mean /= j.length;
  let num = 0;
  let den = 0;
  for (const v of j) {
    const d = mean - v;
    num += d * d * d;
    den += d * d;
  }
  const a = num / (6 * Math.pow(den, 1.5));
  const level = (zAlpha: number): number => {
    const s = z0 + zAlpha;
    return normalCdf(z0 + s / (1 - a * s));
  };
  const zLow = normalQuantile(alpha);
  return [level(zLow), level(-zLow)];
}
