import { describe, expect, it } from "vitest";
import { Graph, type Tensor } from "../graph/graph.js";
import { Session } from "../run/session.js";
import { Rng } from "../rng.js";
import { gelu, mul } from "../ops/elementwise.js";
import { conv2d } from "../ops/nn-ops.js";
import { reduceSum } from "../ops/reduce.js";
import { grad } from "./grad.js";

/** erf in float64: Maclaurin series for |x| < 3, the asymptotic expansion of erfc beyond (error < 1e-7 where used). */
function erf64(x: number): number {
  if (Math.abs(x) < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  const s = Math.sign(x);
  const a = Math.abs(x);
  // erfc(a) ≈ e^{−a²}/(a√π)·(1 − 1/(2a²) + 3/(4a⁴) − 15/(8a⁶))
  const inv = 1 / (2 * a * a);
  const erfc = (Math.exp(-a * a) / (a * Math.sqrt(Math.PI))) * (1 - inv + 3 * inv * inv - 15 * inv * inv * inv);
  return s * (1 - erfc);
}

/** d/dx x·Φ(x) in float64. */
const geluGrad = (x: number): number => 0.5 * (1 + erf64(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);

async function run(g: Graph, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, Float32Array>> {
  const r = await (await Session.create(g)).run(feeds);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.data as Float32Array]));
}

describe("Gelu gradient (HardSigmoid for Φ, x/√(2π) ÷ e^{x²/2} for x·φ)", () => {
  it("matches the float64 closed form over [−40, 40], including 0 and |x| > 13 where e^{x²/2} overflows (no NaN)", async () => {
    const xs = [0, -0, 1e-30, -1e-30, 1e-3, -1e-3, 0.5, -0.5, 1, -1, 2.5, -2.5, 5, -5, 9, -9, 13, -13, 13.5, -13.5, 20, -20, 40, -40];
    for (let v = -6; v <= 6; v += 0.37) xs.push(v);
    const g = new Graph();
    const x = g.input("x", [xs.length]);
    const gy = g.input("gy", [xs.length]);
    const [gx] = grad(reduceSum(mul(gelu(x), gy), [0]), [x]);
    g.output("gx", gx as Tensor);
    const gyv = Float32Array.from(xs, (_, i) => (i % 3 === 0 ? -1.5 : 0.75));
    const r = await run(g, { x: { data: Float32Array.from(xs), dims: [xs.length] }, gy: { data: gyv, dims: [xs.length] } });
    xs.forEach((v, i) => {
      const expected = (gyv[i] as number) * geluGrad(Math.fround(v));
      const got = r.gx?.[i] as number;
      expect(Number.isFinite(got), `x = ${v}`).toBe(true);
      expect(Math.abs(got - expected), `x = ${v}: ${got} vs ${expected}`).toBeLessThan(2e-6 * Math.max(1, Math.abs(expected)));
    });
  });
});

describe("patchify Conv weight gradient (one GEMM over patches)", () => {
  it("stride = kernel 2×2, 24 input channels: dW equals Σ gy·x patch sums computed directly, to 1e-5", async () => {
    const [n, ci, co, h, k] = [3, 24, 5, 8, 2];
    const ho = h / k;
    const rng = new Rng(7);
    const xv = Float32Array.from({ length: n * ci * h * h }, () => rng.normal());
    const wv = Float32Array.from({ length: co * ci * k * k }, () => rng.normal());
    const gyv = Float32Array.from({ length: n * co * ho * ho }, () => rng.normal());
    const g = new Graph();
    const x = g.input("x", [n, ci, h, h]);
    const w = g.input("w", [co, ci, k, k]);
    const gy = g.input("gy", [n, co, ho, ho]);
    const y = conv2d(x, w, null, { strides: [k, k] });
    const [gw] = grad(reduceSum(mul(y, gy), [0, 1, 2, 3]), [w]);
    g.output("gw", gw as Tensor);
    const r = await run(g, { x: { data: xv, dims: [n, ci, h, h] }, w: { data: wv, dims: [co, ci, k, k] }, gy: { data: gyv, dims: [n, co, ho, ho] } });
    let worst = 0;
    for (let o = 0; o < co; o++)
      for (let i = 0; i < ci; i++)
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) {
            let s = 0;
            for (let b0 = 0; b0 < n; b0++)
              for (let yy = 0; yy < ho; yy++)
                for (let xx = 0; xx < ho; xx++)
                  s += (gyv[((b0 * co + o) * ho + yy) * ho + xx] as number) * (xv[((b0 * ci + i) * h + yy * k + a) * h + xx * k + b] as number);
            const got = r.gw?.[((o * ci + i) * k + a) * k + b] as number;
            worst = Math.max(worst, Math.abs(got - s) / Math.max(1, Math.abs(s)));
          }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe("depthwise Conv weight gradient (one GEMM per channel over padded row bands)", () => {
  const cases: [string, { n: number; c: number; h: number; w: number; kh: number; kw: number; ph: number; pw: number }][] = [
    ["7×7, pad 3 (ConvNeXt)", { n: 2, c: 5, h: 9, w: 9, kh: 7, kw: 7, ph: 3, pw: 3 }],
    ["3×5 kernel, pads 0 and 1, 6×11 input", { n: 3, c: 4, h: 6, w: 11, kh: 3, kw: 5, ph: 0, pw: 1 }],
  ];
  for (const [name, { n, c, h, w, kh, kw, ph, pw }] of cases) {
    it(`${name}: dW equals Σ x·gy over the shifted windows, computed directly, to 1e-5`, async () => {
      const [ho, wo] = [h + 2 * ph - kh + 1, w + 2 * pw - kw + 1];
      const rng = new Rng(11);
      const xv = Float32Array.from({ length: n * c * h * w }, () => rng.normal());
      const wv = Float32Array.from({ length: c * kh * kw }, () => rng.normal());
      const gyv = Float32Array.from({ length: n * c * ho * wo }, () => rng.normal());
      const g = new Graph();
      const x = g.input("x", [n, c, h, w]);
      const wt = g.input("w", [c, 1, kh, kw]);
      const gy = g.input("gy", [n, c, ho, wo]);
      const y = conv2d(x, wt, null, { padding: [ph, pw], groups: c });
      const [gw] = grad(reduceSum(mul(y, gy), [0, 1, 2, 3]), [wt]);
      g.output("gw", gw as Tensor);
      const r = await run(g, { x: { data: xv, dims: [n, c, h, w] }, w: { data: wv, dims: [c, 1, kh, kw] }, gy: { data: gyv, dims: [n, c, ho, wo] } });
      let worst = 0;
      for (let ch = 0; ch < c; ch++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            let s = 0;
            for (let b = 0; b < n; b++)
              for (let yy = 0; yy < ho; yy++)
                for (let xx = 0; xx < wo; xx++) {
                  const [sy, sx] = [yy + i - ph, xx + j - pw];
                  if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                  s += (gyv[((b * c + ch) * ho + yy) * wo + xx] as number) * (xv[((b * c + ch) * h + sy) * w + sx] as number);
                }
            const got = r.gw?.[(ch * kh + i) * kw + j] as number;
            worst = Math.max(worst, Math.abs(got - s) / Math.max(1, Math.abs(s)));
          }
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
