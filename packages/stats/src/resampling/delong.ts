import { assertIntegerLabels, assertPaired, StatsInputError } from "../validate";
import { normalCdf, normalQuantile } from "./special";

/** Result of {@link delongTest}. */
export interface DelongResult {
  aucA: number;
  aucB: number;
  /** aucA − aucB. */
  difference: number;
  /** Variance of the difference (DeLong covariance). */
  variance: number;
  z: number;
  /** Two-sided p-value of H0: aucA = aucB. */
  pValue: number;
  /** 95% (or `confidenceLevel`) normal interval of the difference. */
  low: number;
  high: number;
}

/** Midranks (1-based, ties share their mean rank) of `x`. */
function midranks(x: Float64Array): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1] as number] === x[order[i] as number]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k] as number] = mid;
    i = j + 1;
  }
  return r;
}

/** Structural components (placement values) of one score vector, by midranks (Sun & Xu 2014). */
function components(score: ArrayLike<number>, pos: Uint8Array, m: number, n: number) {
  const xs = new Float64Array(m);
  const ys = new Float64Array(n);
  const all = new Float64Array(m + n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < pos.length; i++) {
    if (pos[i]) xs[a++] = score[i] as number;
    else ys[b++] = score[i] as number;
  }
  all.set(xs, 0);
  all.set(ys, m);
  const tx = midranks(xs);
  const ty = midranks(ys);
  const tz = midranks(all);
  let sum = 0;
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    sum += tz[i] as number;
    v10[i] = ((tz[i] as number) - (tx[i] as number)) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - ((tz[m + j] as number) - (ty[j] as number)) / m;
  return { auc: (sum - (m * (m + 1)) / 2) / (m * n), v10, v01 };
}

function cov(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < k; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= k;
  mb /= k;
  let s = 0;
  for (let i = 0; i < k; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb);
  return s / (k - 1);
}

/**
 * DeLong's test for two correlated AUROCs (two models scored on the same samples), with the fast
 * midrank algorithm of Sun & Xu (2014). Needs at least 2 positives and 2 negatives.
 */
export function delongTest(yTrue: ArrayLike<number>, scoreA: ArrayLike<number>, scoreB: ArrayLike<number>, options: { confidenceLevel?: number; posLabel?: number } = {}): DelongResult {
  const { confidenceLevel = 0.95, posLabel = 1 } = options;
  assertPaired(yTrue, scoreA, "delongTest A");
  assertPaired(yTrue, scoreB, "delongTest B");
  assertIntegerLabels(yTrue, "delongTest yTrue");
  const pos = new Uint8Array(yTrue.length);
  let m = 0;
  for (let i = 0; i < yTrue.length; i++) if ((pos[i] = yTrue[i] === posLabel ? 1 : 0)) m++;
  const n = yTrue.length - m;
  if (m < 2 || n < 2) throw new StatsInputError(`delongTest: need at least 2 positives and 2 negatives, got ${m} and ${n}`, "SINGLE_CLASS");
  const A = components(scoreA, pos, m, n);
  const B = components(scoreB, pos, m, n);
  const s10 = cov(A.v10, A.v10) + cov(B.v10, B.v10) - 2 * cov(A.v10, B.v10);
  const s01 = cov(A.v01, A.v01) + cov(B.v01, B.v01) - 2 * cov(A.v01, B.v01);
  const variance = s10 / m + s01 / n;
  const difference = A.auc - B.auc;
  const sd = Math.sqrt(variance);
  const z = variance > 0 ? difference / sd : difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
  const q = normalQuantile(1 - (1 - confidenceLevel) / 2);
  return { aucA: A.auc, aucB: B.auc, difference, variance, z, pValue: 2 * normalCdf(-Math.abs(z)), low: difference - q * sd, high: difference + q * sd };
}
