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
  const lam = l2 / swSum;
  const B = 4;
  // Z: [B, k] scores, then residuals (p − onehot)·w/Σw of a block of rows
  const Z = new Float64Array(B * k);
  let loss = 0;
  /** Softmax of row `r` of Z in place → residuals; adds that row's loss. */
  const residual = (r: number, i: number): void => {
    const o = r * k;
    let zmax = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) if (Z[o + c]! > zmax) zmax = Z[o + c]!;
    let se = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(Z[o + c]! - zmax);
      Z[o + c] = e;
      se += e;
    }
    const w = sw[i]!;
    const yc = yi[i]!;
    loss += w * (Math.log(se) - Math.log(Z[o + yc]!));
    const scale = w / swSum;
    for (let c = 0; c < k; c++) Z[o + c] = (Z[o + c]! / se - (c === yc ? 1 : 0)) * scale;
  };
  return (theta, grad) => {
    grad.fill(0);
    loss = 0;
    const off = k * d;
    let i = 0;
    // blocks of 4 rows: each weight row is read once per block, each gradient row written once per block
    for (; i + B <= n; i += B) {
      const b0 = i * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      for (let c = 0; c < k; c++) {
        const wc = c * d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < d; j++) {
          const w = theta[wc + j]!;
          s0 += w * data[b0 + j]!;
          s1 += w * data[b1 + j]!;
          s2 += w * data[b2 + j]!;
          s3 += w * data[b3 + j]!;
        }
        const bias = theta[off + c]!;
        Z[c] = s0 + bias;
        Z[k + c] = s1 + bias;
        Z[2 * k + c] = s2 + bias;
        Z[3 * k + c] = s3 + bias;
      }
      for (let r = 0; r < B; r++) residual(r, i + r);
      for (let c = 0; c < k; c++) {
        const r0 = Z[c]!;
        const r1 = Z[k + c]!;
        const r2 = Z[2 * k + c]!;
        const r3 = Z[3 * k + c]!;
        grad[off + c]! += r0 + r1 + r2 + r3;
        const wc = c * d;
        for (let j = 0; j < d; j++) grad[wc + j]! += r0 * data[b0 + j]! + r1 * data[b1 + j]! + r2 * data[b2 + j]! + r3 * data[b3 + j]!;
      }
    }
    for (; i < n; i++) {
      const b0 = i * d;
      for (let c = 0; c < k; c++) {
        const wc = c * d;
        let s0 = theta[off + c]!;
        for (let j = 0; j < d; j++) s0 += theta[wc + j]! * data[b0 + j]!;
        Z[c] = s0;
      }
      residual(0, i);
      for (let c = 0; c < k; c++) {
        const r0 = Z[c]!;
        grad[off + c]! += r0;
        const wc = c * d;
        for (let j = 0; j < d; j++) grad[wc + j]! += r0 * data[b0 + j]!;
      }
    }
    let total = loss / swSum;
    if (lam > 0) {
      let pen = 0;
      for (let j = 0; j < off; j++) {
        const t = theta[j]!;
        pen += t * t;
        grad[j]! += lam * t;
      }
      total += 0.5 * lam * pen;
    }
    return total;
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
