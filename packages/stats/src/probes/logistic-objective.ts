import type { Dense } from "./dense";
import type { Objective } from "./lbfgs";

/**
 * Multinomial cross-entropy, mean over sample weights, with an L2 penalty ‖W‖²/(2·C·Σw) (the intercept is not
 * penalised); scikit-learn's objective divided by Σw, so the minimiser is the same.
 * theta: [k·d weights (row c = class c), k intercepts]. l2 = 0 gives the smooth part only (for L1).
 */
export function multinomialObjective(X: Dense, yi: Int32Array, sw: Float64Array, k: number, l2: number): Objective {
  const { rows: n, cols: d, data } = X;
  let swSum = 0;
  for (const w of sw) swSum += w;
  const z = new Float64Array(k);
  const lam = l2 / swSum;
  return (theta, grad) => {
    grad.fill(0);
    const off = k * d;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const w = sw[i] as number;
      if (w === 0) continue;
      const base = i * d;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const wc = c * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j + 3 < d; j += 4) {
          s0 += theta[wc + j]! * data[base + j]!;
          s1 += theta[wc + j + 1]! * data[base + j + 1]!;
          s2 += theta[wc + j + 2]! * data[base + j + 2]!;
          s3 += theta[wc + j + 3]! * data[base + j + 3]!;
        }
        for (; j < d; j++) s0 += theta[wc + j]! * data[base + j]!;
        const v = s0 + s1 + (s2 + s3) + theta[off + c]!;
        z[c] = v;
        if (v > zmax) zmax = v;
      }
      let se = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[c]! - zmax);
        z[c] = e;
        se += e;
      }
      const yc = yi[i] as number;
      loss += w * (Math.log(se) - Math.log(z[yc]!));
      const scale = w / swSum;
      for (let c = 0; c < k; c++) {
        const r = (z[c]! / se - (c === yc ? 1 : 0)) * scale;
        grad[off + c]! += r;
        const wc = c * d;
        for (let j = 0; j < d; j++) grad[wc + j]! += r * data[base + j]!;
      }
    }
    loss /= swSum;
    if (lam > 0) {
      let pen = 0;
      for (let j = 0; j < off; j++) {
        const t = theta[j]!;
        pen += t * t;
        grad[j]! += lam * t;
      }
      loss += 0.5 * lam * pen;
    }
    return loss;
  };
}

/**
 * Binary logistic loss (scikit-learn's formulation for two classes: one weight vector, class 1 positive),
 * mean over sample weights, L2 penalty ‖w‖²/(2·C·Σw). theta: [d weights, intercept].
 */
export function binaryObjective(X: Dense, yi: Int32Array, sw: Float64Array, l2: number): Objective {
  const { rows: n, cols: d, data } = X;
  let swSum = 0;
  for (const w of sw) swSum += w;
  const lam = l2 / swSum;
  return (theta, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const w = sw[i] as number;
      if (w === 0) continue;
      const base = i * d;
      let z = theta[d]!;
      for (let j = 0; j < d; j++) z += theta[j]! * data[base + j]!;
      const y = yi[i] as number;
      // log(1 + e^z) − y·z, computed stably
      const lse = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      loss += w * (lse - y * z);
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const r = ((p - y) * w) / swSum;
      grad[d]! += r;
      for (let j = 0; j < d; j++) grad[j]! += r * data[base + j]!;
    }
    loss /= swSum;
    if (lam > 0) {
      let pen = 0;
      for (let j = 0; j < d; j++) {
        pen += theta[j]! * theta[j]!;
        grad[j]! += lam * theta[j]!;
      }
      loss += 0.5 * lam * pen;
    }
    return loss;
  };
}

/** Σw of a weight vector. */
export function weightSum(sw: Float64Array): number {
  let s = 0;
  for (const w of sw) s += w;
  return s;
}
