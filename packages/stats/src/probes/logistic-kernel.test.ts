import { describe, expect, it } from "vitest";
import { KernelPool, rowKernel } from "./kernel-pool";
import { multinomialKernel } from "./logistic-kernel";
import { multinomialWasm, multinomialWasmBytes, wasmRowKernel } from "./logistic-wasm";

/** Σ w·CE over rows [r0, r1) and its gradient / Σw, by the textbook loops (theta: [k·d weights, k intercepts]). */
function naive(theta: Float64Array, X: Float64Array, d: number, k: number, y: Int32Array, sw: Float64Array, swSum: number, r0: number, r1: number) {
  const grad = new Float64Array(k * d + k);
  let loss = 0;
  for (let i = r0; i < r1; i++) {
    const z = Array.from({ length: k }, (_, c) => {
      let s = theta[k * d + c]!;
      for (let j = 0; j < d; j++) s += theta[c * d + j]! * X[i * d + j]!;
      return s;
    });
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    loss += sw[i]! * (lse - z[y[i]!]!);
    for (let c = 0; c < k; c++) {
      const r = ((Math.exp(z[c]! - lse) - (c === y[i] ? 1 : 0)) * sw[i]!) / swSum;
      grad[k * d + c]! += r;
      for (let j = 0; j < d; j++) grad[c * d + j]! += r * X[i * d + j]!;
    }
  }
  return { loss, grad };
}

function problem(n: number, d: number, k: number, seed: number) {
  let s = seed;
  const u = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
  const X = Float64Array.from({ length: n * d }, u);
  const y = Int32Array.from({ length: n }, () => Math.floor(((u() + 1) / 2) * k));
  const sw = Float64Array.from({ length: n }, () => 0.25 + (u() + 1));
  const theta = Float64Array.from({ length: k * d + k }, () => 0.7 * u());
  const swSum = sw.reduce((a, v) => a + v, 0);
  return { X, y, sw, theta, swSum };
}

const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
// tolerance: |Δloss| ≤ 1e-12·|loss|, |Δgrad| ≤ 1e-13 (sums of ≤ 10³ terms of order 1/n in double precision)
const shapes: [n: number, d: number, k: number][] = [[1, 1, 3], [5, 2, 3], [7, 5, 4], [37, 13, 7], [101, 33, 31], [130, 64, 10]];

describe("multinomial loss kernels vs a naive reference (odd n, d, k; sample weights; row ranges)", () => {
  it("the module validates (WebAssembly SIMD is available on Node ≥ 20)", () => {
    const code = multinomialWasm(33, 31);
    expect(code?.bytes).toBeInstanceOf(Uint8Array);
    expect(code?.dp).toBe(34);
  });
  for (const [n, d, k] of shapes) {
    it(`${n}×${d}×${k}: WebAssembly SIMD and scalar kernels, all rows and rows [1, n−1)`, () => {
      const { X, y, sw, theta, swSum } = problem(n, d, k, n * 31 + d * 7 + k);
      const ranges: [number, number][] = n > 2 ? [[0, n], [1, n - 1]] : [[0, n]];
      for (const [r0, r1] of ranges) {
        const ref = naive(theta, X, d, k, y, sw, swSum, r0, r1);
        const g1 = new Float64Array(k * d + k);
        const l1 = wasmRowKernel(multinomialWasmBytes(d, k), X, d, k, y, sw, swSum, r0, r1)(theta, g1);
        const g2 = new Float64Array(k * d + k);
        const l2 = multinomialKernel(theta, g2, X, d, k, y, sw, swSum, r0, r1);
        for (const [l, g] of [[l1, g1], [l2, g2]] as const) {
          expect(Math.abs(l - ref.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.loss));
          expect(maxDiff(g, ref.grad)).toBeLessThan(1e-13);
        }
      }
    });
  }
  it("the SIMD evaluator adds into grad and gives the same result when called again (no state carried over)", () => {
    const [n, d, k] = [45, 9, 5];
    const { X, y, sw, theta, swSum } = problem(n, d, k, 3);
    const ev = rowKernel(X, d, k, y, sw, swSum, 0, n, multinomialWasm(d, k));
    expect(ev.simd).toBe(true);
    const g = new Float64Array(k * d + k).fill(1);
    const l = ev.evaluate(theta, g);
    const again = new Float64Array(k * d + k).fill(1);
    expect(ev.evaluate(theta, again)).toBe(l);
    expect(maxDiff(g, again)).toBe(0);
    const ref = naive(theta, X, d, k, y, sw, swSum, 0, n);
    expect(maxDiff(g.map((v) => v - 1), ref.grad)).toBeLessThan(1e-13);
  });
  it("a 3-thread pool (SIMD in every thread) over 1,003 × 19 × 6 matches the reference", () => {
    const [n, d, k] = [1003, 19, 6];
    const { X, y, sw, theta, swSum } = problem(n, d, k, 11);
    const pool = new KernelPool(X, d, k, y, sw, swSum, 3, multinomialWasm(d, k));
    try {
      expect(pool.threadCount).toBe(3);
      expect(pool.simd).toBe(true);
      const g = new Float64Array(k * d + k);
      const l = pool.evaluate(theta, g);
      const ref = naive(theta, X, d, k, y, sw, swSum, 0, n);
      expect(Math.abs(l - ref.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.loss));
      expect(maxDiff(g, ref.grad)).toBeLessThan(1e-13);
    } finally {
      pool.close();
    }
  });
});
