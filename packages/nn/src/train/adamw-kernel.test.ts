import { describe, expect, it } from "vitest";
import { Parameter } from "../graph/parameter.js";
import { Rng } from "../rng.js";
import { AdamWKernel } from "./adamw-kernel.js";
import { AdamW } from "./adamw.js";

const f = Math.fround;

/** torch.optim.AdamW's per-element update in float32, one rounding per operation (Math.fround). */
function torchOrderF32(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: { decay: number; stepSize: number; bc2Sqrt: number; eps: number; beta1: number; beta2: number; gradScale: number }): void {
  const [decay, step, bc2, eps, b1, b2, gs] = [s.decay, s.stepSize, s.bc2Sqrt, s.eps, s.beta1, s.beta2, s.gradScale].map(f) as number[] as [number, number, number, number, number, number, number];
  const [omb1, omb2] = [f(1 - s.beta1), f(1 - s.beta2)];
  for (let i = 0; i < p.length; i++) {
    const gi = f((g[i] as number) * gs);
    const mi = f(f((m[i] as number) * b1) + f(omb1 * gi));
    const vi = f(f((v[i] as number) * b2) + f(f(omb2 * gi) * gi));
    m[i] = mi;
    v[i] = vi;
    p[i] = f(f((p[i] as number) * decay) - f(f(step * mi) / f(f(f(Math.sqrt(vi)) / bc2) + eps)));
  }
}

const random = (rng: Rng, n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (rng.nextU32() / 2 ** 32 - 0.5) * scale);

describe("AdamW WebAssembly SIMD kernel", () => {
  it("matches torch's float32 operation order bit for bit (sizes around the 4-lane and chunk edges)", () => {
    const rng = new Rng(5);
    for (const n of [1, 3, 4, 7, 65536, 65536 * 2 + 5]) {
      const kernel = AdamWKernel.create([n]);
      expect(kernel).not.toBeNull();
      const [m, v] = [kernel!.moment(n), kernel!.moment(n)];
      const p = random(rng, n, 2);
      const [pr, mr, vr] = [Float32Array.from(p), new Float32Array(n), new Float32Array(n)];
      for (let t = 1; t <= 3; t++) {
        const g = random(rng, n, 0.1 * t);
        const s = { decay: 1 - 1e-3 * 0.01, stepSize: 1e-3 / (1 - 0.9 ** t), bc2Sqrt: Math.sqrt(1 - 0.999 ** t), eps: 1e-8, beta1: 0.9, beta2: 0.999, gradScale: t === 2 ? 0.37 : 1 };
        kernel!.update(p, g, m, v, s);
        torchOrderF32(pr, g, mr, vr, s);
      }
      expect(Array.from(p)).toEqual(Array.from(pr));
      expect(Array.from(m)).toEqual(Array.from(mr));
      expect(Array.from(v)).toEqual(Array.from(vr));
    }
  });

  it("AdamW with the wasm kernel follows the float64 JS loop within 1e-5 relative (float32 vs float64 rounding) over 20 steps (groups, no-decay biases, clipping scale)", () => {
    const rng = new Rng(11);
    const make = () => [
      ["w", new Parameter([33, 17], random(new Rng(1), 33 * 17, 1))],
      ["b", new Parameter([17], random(new Rng(2), 17, 1))],
      ["head.w", new Parameter([70001], random(new Rng(3), 70001, 1))],
    ] as [string, Parameter][];
    const [a, b] = [make(), make()];
    const options = { lr: 3e-3, weightDecay: 0.05, noDecayBiasesAndNorms: true, groups: [{ name: "head", match: (n: string) => n.startsWith("head."), lr: 1e-3 }] };
    const wasm = new AdamW(a, { ...options, kernel: "wasm" });
    const js = new AdamW(b, { ...options, kernel: "js" });
    for (let t = 0; t < 20; t++) {
      const grads = new Map(a.map(([n, p]) => [n, random(rng, p.data.length, 0.2)]));
      wasm.step(grads, 0.5 + t / 40, t % 3 === 0 ? 0.8 : 1);
      js.step(grads, 0.5 + t / 40, t % 3 === 0 ? 0.8 : 1);
    }
    let worst = 0;
    a.forEach(([, p], k) => {
      const q = (b[k] as [string, Parameter])[1].data;
      for (let i = 0; i < p.data.length; i++) worst = Math.max(worst, Math.abs((p.data[i] as number) - (q[i] as number)) / Math.max(Math.abs(q[i] as number), 1e-3));
    });
    expect(worst).toBeLessThan(1e-5);
    expect(worst).toBeGreaterThan(0); // the two loops really are different arithmetic
    const moments = [...wasm.stateTensors()].map(([n, t]) => [n, t.data.length]);
    expect(moments).toEqual([...js.stateTensors()].map(([n, t]) => [n, t.data.length]));
  });
});
