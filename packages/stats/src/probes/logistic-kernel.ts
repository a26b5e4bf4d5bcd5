/**
 * Weighted multinomial cross-entropy of rows [rowStart, rowEnd): adds (p − onehot)·w/Σw ⊗ x into `grad` (weights, then
 * intercepts) and returns Σ w·CE over those rows. theta: [k·d weights (row c = class c), k intercepts].
 * Self-contained (no imports or outer variables): its source text also runs inside worker threads.
 */
export function multinomialKernel(
  theta: Float64Array,
  grad: Float64Array,
  data: Float64Array,
  d: number,
  k: number,
  yi: Int32Array,
  sw: Float64Array,
  swSum: number,
  rowStart: number,
  rowEnd: number,
): number {
  const B = 4;
  // Z: [B, k] scores, then residuals (p − onehot)·w/Σw of a block of rows
  const Z = new Float64Array(B * k);
  const off = k * d;
  let loss = 0;
  let i = rowStart;
  // blocks of 4 rows: each weight row is read once per block, each gradient row written once per block
  for (; i + B <= rowEnd; i += B) {
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
    const nb = B;
    for (let r = 0; r < nb; r++) {
      // softmax of row r of Z in place → residuals (p − onehot)·w/Σw; adds the row's loss
      const o = r * k;
      const row = i + r;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let c2 = 0; c2 < k; c2++) if (Z[o + c2]! > zmax) zmax = Z[o + c2]!;
      let se = 0;
      for (let c2 = 0; c2 < k; c2++) {
        const e = Math.exp(Z[o + c2]! - zmax);
        Z[o + c2] = e;
        se += e;
      }
      const w = sw[row]!;
      const yc = yi[row]!;
      loss += w * (Math.log(se) - Math.log(Z[o + yc]!));
      const scale = w / swSum;
      for (let c2 = 0; c2 < k; c2++) Z[o + c2] = (Z[o + c2]! / se - (c2 === yc ? 1 : 0)) * scale;
    }
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
  for (; i < rowEnd; i++) {
    const b0 = i * d;
    for (let c = 0; c < k; c++) {
      const wc = c * d;
      let s0 = theta[off + c]!;
      for (let j = 0; j < d; j++) s0 += theta[wc + j]! * data[b0 + j]!;
      Z[c] = s0;
    }
    const nb = 1;
    for (let r = 0; r < nb; r++) {
      // softmax of row r of Z in place → residuals (p − onehot)·w/Σw; adds the row's loss
      const o = r * k;
      const row = i + r;
      let zmax = Number.NEGATIVE_INFINITY;
      for (let c2 = 0; c2 < k; c2++) if (Z[o + c2]! > zmax) zmax = Z[o + c2]!;
      let se = 0;
      for (let c2 = 0; c2 < k; c2++) {
        const e = Math.exp(Z[o + c2]! - zmax);
        Z[o + c2] = e;
        se += e;
      }
      const w = sw[row]!;
      const yc = yi[row]!;
      loss += w * (Math.log(se) - Math.log(Z[o + yc]!));
      const scale = w / swSum;
      for (let c2 = 0; c2 < k; c2++) Z[o + c2] = (Z[o + c2]! / se - (c2 === yc ? 1 : 0)) * scale;
    }
    for (let c = 0; c < k; c++) {
      const r0 = Z[c]!;
      grad[off + c]! += r0;
      const wc = c * d;
      for (let j = 0; j < d; j++) grad[wc + j]! += r0 * data[b0 + j]!;
    }
  }
  return loss;
}
