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
      let c = 0;
      // 4 rows × 2 classes per pass: 6 loads for 8 multiply-adds
      for (; c + 1 < k; c += 2) {
        const wa = c * d;
        const wb = wa + d;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let e0 = 0;
        let e1 = 0;
        let e2 = 0;
        let e3 = 0;
        for (let j = 0; j < d; j++) {
          const u = theta[wa + j]!;
          const v = theta[wb + j]!;
          const x0 = data[b0 + j]!;
          const x1 = data[b1 + j]!;
          const x2 = data[b2 + j]!;
          const x3 = data[b3 + j]!;
          a0 += u * x0;
          a1 += u * x1;
          a2 += u * x2;
          a3 += u * x3;
          e0 += v * x0;
          e1 += v * x1;
          e2 += v * x2;
          e3 += v * x3;
        }
        const ba = theta[off + c]!;
        const bb = theta[off + c + 1]!;
        Z[c] = a0 + ba;
        Z[k + c] = a1 + ba;
        Z[2 * k + c] = a2 + ba;
        Z[3 * k + c] = a3 + ba;
        Z[c + 1] = e0 + bb;
        Z[k + c + 1] = e1 + bb;
        Z[2 * k + c + 1] = e2 + bb;
        Z[3 * k + c + 1] = e3 + bb;
      }
      for (; c < k; c++) {
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
      let g = 0;
      for (; g + 1 < k; g += 2) {
        const r0 = Z[g]!;
        const r1 = Z[k + g]!;
        const r2 = Z[2 * k + g]!;
        const r3 = Z[3 * k + g]!;
        const q0 = Z[g + 1]!;
        const q1 = Z[k + g + 1]!;
        const q2 = Z[2 * k + g + 1]!;
        const q3 = Z[3 * k + g + 1]!;
        grad[off + g]! += r0 + r1 + r2 + r3;
        grad[off + g + 1]! += q0 + q1 + q2 + q3;
        const wa = g * d;
        const wb = wa + d;
        for (let j = 0; j < d; j++) {
          const x0 = data[b0 + j]!;
          const x1 = data[b1 + j]!;
          const x2 = data[b2 + j]!;
          const x3 = data[b3 + j]!;
          grad[wa + j]! += r0 * x0 + r1 * x1 + r2 * x2 + r3 * x3;
          grad[wb + j]! += q0 * x0 + q1 * x1 + q2 * x2 + q3 * x3;
        }
      }
      for (; g < k; g++) {
        const r0 = Z[g]!;
        const r1 = Z[k + g]!;
        const r2 = Z[2 * k + g]!;
        const r3 = Z[3 * k + g]!;
        grad[off + g]! += r0 + r1 + r2 + r3;
        const wc = g * d;
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
