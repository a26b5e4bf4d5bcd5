import type { Dense } from "./dense";
import type { Objective } from "./lbfgs";
import { KernelPool } from "./kernel-pool";
import { multinomialKernel } from "./logistic-kernel";
import type { RowKernel, WasmKernelCode } from "./logistic-wasm";
import { WasmPool } from "./wasm-pool";

/** How the multinomial loss of a fit is evaluated: all rows, on `threadCount` threads, SIMD or scalar JS. */
export interface MultinomialEvaluator {
  evaluate: RowKernel;
  threadCount: number;
  simd: boolean;
  close(): void;
}

/**
 * The evaluator of Σ w·CE over all rows: the WebAssembly SIMD pool when `wasm` (from {@link multinomialWasm})
 * instantiates, else the scalar kernel, on worker threads (KernelPool) or the main thread. `threads` counts the
 * main thread; more than 1 only from `minRowsForThreads` rows.
 */
export function multinomialEvaluator(X: Dense, yi: Int32Array, sw: Float64Array, swSum: number, k: number, threads: number, wasm?: WasmKernelCode, minRowsForThreads = 1000): MultinomialEvaluator {
  const { rows: n, cols: d, data } = X;
  const t = n >= minRowsForThreads ? Math.max(1, threads) : 1;
  if (wasm) {
    try {
      const pool = new WasmPool(wasm, data, d, k, yi, sw, swSum, t);
      return { evaluate: (theta, grad) => pool.evaluate(theta, grad), threadCount: pool.threadCount, simd: true, close: () => pool.close() };
    } catch {
      // no shared WebAssembly memory (or not enough of it): the scalar kernel below
    }
  }
  if (t > 1) {
    const pool = new KernelPool(data, d, k, yi, sw, swSum, t);
    return { evaluate: (theta, grad) => pool.evaluate(theta, grad), threadCount: pool.threadCount, simd: false, close: () => pool.close() };
  }
  return { evaluate: (theta, grad) => multinomialKernel(theta, grad, data, d, k, yi, sw, swSum, 0, n), threadCount: 1, simd: false, close: () => {} };
}

/**
 * Multinomial cross-entropy, mean over sample weights, with an L2 penalty ‖W‖²/(2·C·Σw) (the intercept is not
 * penalised); scikit-learn's objective divided by Σw, so the minimiser is the same.
 * theta: [k·d weights (row c = class c), k intercepts]. l2 = 0 gives the smooth part only (for L1).
 * `evaluate` gives Σ w·CE over all rows (see {@link multinomialEvaluator}).
 */
export function multinomialObjective(d: number, k: number, swSum: number, l2: number, evaluate: RowKernel): Objective {
  const lam = l2 / swSum;
  return (theta, grad) => {
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
}
