import type { Dense } from "./dense";
import type { Objective } from "./lbfgs";
import type { RowKernel, WasmKernelCode } from "./logistic-wasm";
import { KernelPool, rowKernel } from "./kernel-pool";

/**
 * Multinomial cross-entropy, mean over sample weights, with an L2 penalty ‖W‖²/(2·C·Σw) (the intercept is not
 * penalised); scikit-learn's objective divided by Σw, so the minimiser is the same.
 * theta: [k·d weights (row c = class c), k intercepts]. l2 = 0 gives the smooth part only (for L1).
 * With `pool`, rows are split across worker threads; otherwise the main thread evaluates all rows, with the
 * WebAssembly SIMD kernel when `wasm` (from {@link multinomialWasm}) instantiates.
 */
export function multinomialObjective(X: Dense, yi: Int32Array, sw: Float64Array, k: number, l2: number, pool?: KernelPool, wasm?: WasmKernelCode): { objective: Objective; simd: boolean } {
  const { rows: n, cols: d, data } = X;
  let swSum = 0;
  for (const w of sw) swSum += w;
  const lam = l2 / swSum;
  let evaluate: RowKernel;
  let simd: boolean;
  if (pool) {
    evaluate = (theta, grad) => pool.evaluate(theta, grad);
    simd = pool.simd;
  } else {
    ({ evaluate, simd } = rowKernel(data, d, k, yi, sw, swSum, 0, n, wasm));
  }
  const objective: Objective = (theta, grad) => {
    grad.fill(0);
    const loss = evaluate(theta, grad);
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
  return { objective, simd };
}
