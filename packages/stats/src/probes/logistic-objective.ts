import type { Dense } from "./dense";
import type { Objective } from "./lbfgs";
import { multinomialKernel } from "./logistic-kernel";
import { KernelPool } from "./kernel-pool";

/**
 * Multinomial cross-entropy, mean over sample weights, with an L2 penalty ‖W‖²/(2·C·Σw) (the intercept is not
 * penalised); scikit-learn's objective divided by Σw, so the minimiser is the same.
 * theta: [k·d weights (row c = class c), k intercepts]. l2 = 0 gives the smooth part only (for L1).
 * With `pool`, rows are split across worker threads.
 */
export function multinomialObjective(X: Dense, yi: Int32Array, sw: Float64Array, k: number, l2: number, pool?: KernelPool): Objective {
  const { rows: n, cols: d, data } = X;
  let swSum = 0;
  for (const w of sw) swSum += w;
  const lam = l2 / swSum;
  return (theta, grad) => {
    grad.fill(0);
    const loss = pool ? pool.evaluate(theta, grad) : multinomialKernel(theta, grad, data, d, k, yi, sw, swSum, 0, n);
    let total = loss / swSum;
    const off = k * d;
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
