import type { Objective } from "./lbfgs";

/** Options of {@link fistaL1}. */
export interface FistaOptions {
  maxIter?: number;
  tol?: number;
  signal?: AbortSignal;
}

/**
 * Minimises smooth(θ) + λ·Σ_{j in penalised} |θ_j| by accelerated proximal gradient (FISTA with backtracking
 * and adaptive restart). Stops when the gradient-mapping step is below `tol` (max norm).
 */
export function fistaL1(smooth: Objective, x0: Float64Array, lambda: number, penalised: number, options: FistaOptions = {}): { x: Float64Array; iterations: number; converged: boolean } {
  const { maxIter = 20000, tol = 1e-8, signal } = options;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let y = Float64Array.from(x0);
  let t = 1;
  let L = 1;
  const gy = new Float64Array(n);
  const gtmp = new Float64Array(n);
  const l1 = (v: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < penalised; j++) s += Math.abs(v[j] as number);
    return s;
  };
  let Fx = smooth(x, gtmp) + lambda * l1(x);
  for (let it = 1; it <= maxIter; it++) {
    signal?.throwIfAborted();
    const fy = smooth(y, gy);
    let xNew = new Float64Array(n);
    let fNew = 0;
    for (let bt = 0; bt < 60; bt++) {
      for (let j = 0; j < n; j++) {
        const v = (y[j] as number) - (gy[j] as number) / L;
        if (j < penalised) {
          const th = lambda / L;
          xNew[j] = v > th ? v - th : v < -th ? v + th : 0;
        } else xNew[j] = v;
      }
      fNew = smooth(xNew, gtmp);
      let lin = 0;
      let sq = 0;
      for (let j = 0; j < n; j++) {
        const dlt = (xNew[j] as number) - (y[j] as number);
        lin += (gy[j] as number) * dlt;
        sq += dlt * dlt;
      }
      if (fNew <= fy + lin + (L / 2) * sq + 1e-15 * Math.abs(fy)) break;
      L *= 2;
    }
    let step = 0;
    for (let j = 0; j < n; j++) step = Math.max(step, Math.abs((xNew[j] as number) - (y[j] as number)));
    const FNew = fNew + lambda * l1(xNew);
    const tNew = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    if (FNew > Fx) {
      // adaptive restart: drop momentum
      t = 1;
      y = Float64Array.from(x);
      L *= 2;
      continue;
    }
    const mom = (t - 1) / tNew;
    const yNext = new Float64Array(n);
    for (let j = 0; j < n; j++) yNext[j] = (xNew[j] as number) + mom * ((xNew[j] as number) - (x[j] as number));
    x = xNew;
    Fx = FNew;
    y = yNext;
    t = tNew;
    if (step * L <= tol) return { x, iterations: it, converged: true };
    L *= 0.95;
    xNew = new Float64Array(0);
  }
  return { x, iterations: maxIter, converged: false };
}
