import type { Dense } from "./dense";
import type { Objective } from "./lbfgs";

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
