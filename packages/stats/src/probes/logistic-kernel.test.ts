import { describe, expect, it } from "vitest";
import { KernelPool } from "./kernel-pool";
import { multinomialKernel } from "./logistic-kernel";
import { multinomialWasm, multinomialWasmBytes } from "./logistic-wasm";
import { WasmPool } from "./wasm-pool";

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
    it(`${n}×${d}×${k}: WebAssembly SIMD (all rows) and scalar kernels (all rows, rows [1, n−1))`, () => {
      const { X, y, sw, theta, swSum } = problem(n, d, k, n * 31 + d * 7 + k);
      const ref = naive(theta, X, d, k, y, sw, swSum, 0, n);
      const pool = new WasmPool(multinomialWasmBytes(d, k), X, d, k, y, sw, swSum, 1);
      const g1 = new Float64Array(k * d + k).fill(0.5);
      const l1 = pool.evaluate(theta, g1);
      expect(Math.abs(l1 - ref.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.loss));
      expect(maxDiff(g1.map((v) => v - 0.5), ref.grad)).toBeLessThan(1e-13);
      // a second call starts from clean partial sums
      const again = new Float64Array(k * d + k).fill(0.5);
      expect(pool.evaluate(theta, again)).toBe(l1);
      expect(maxDiff(again, g1)).toBe(0);
      const ranges: [number, number][] = n > 2 ? [[0, n], [1, n - 1]] : [[0, n]];
      for (const [r0, r1] of ranges) {
        const part = naive(theta, X, d, k, y, sw, swSum, r0, r1);
        const g2 = new Float64Array(k * d + k);
        const l2 = multinomialKernel(theta, g2, X, d, k, y, sw, swSum, r0, r1);
        expect(Math.abs(l2 - part.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(part.loss));
        expect(maxDiff(g2, part.grad)).toBeLessThan(1e-13);
      }
    });
  }
  it("3 threads claiming 512-row chunks of 2,603 × 19 × 6: the reference, and bit-identical to 1 thread", () => {
    const [n, d, k] = [2603, 19, 6];
    const { X, y, sw, theta, swSum } = problem(n, d, k, 11);
    const ref = naive(theta, X, d, k, y, sw, swSum, 0, n);
    const one = new WasmPool(multinomialWasmBytes(d, k), X, d, k, y, sw, swSum, 1);
    const three = new WasmPool(multinomialWasmBytes(d, k), X, d, k, y, sw, swSum, 3);
    try {
      expect(three.threadCount).toBe(3);
      const g1 = new Float64Array(k * d + k);
      const l1 = one.evaluate(theta, g1);
      for (let rep = 0; rep < 3; rep++) {
        const g3 = new Float64Array(k * d + k);
        expect(three.evaluate(theta, g3)).toBe(l1);
        expect(maxDiff(g3, g1)).toBe(0);
      }
      expect(Math.abs(l1 - ref.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.loss));
      expect(maxDiff(g1, ref.grad)).toBeLessThan(1e-13);
    } finally {
      three.close();
    }
  });
  it("the scalar fallback pool (2 threads) over 1,003 × 19 × 6 matches the reference", () => {
    const [n, d, k] = [1003, 19, 6];
    const { X, y, sw, theta, swSum } = problem(n, d, k, 5);
    const pool = new KernelPool(X, d, k, y, sw, swSum, 2);
    try {
      expect(pool.threadCount).toBe(2);
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
