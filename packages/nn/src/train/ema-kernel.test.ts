import { describe, expect, it } from "vitest";
import { Linear } from "../modules/linear.js";
import { Rng } from "../rng.js";
import { Ema } from "./ema.js";
import { EmaKernel } from "./ema-kernel.js";

const f = Math.fround;
const random = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => rng.nextU32() / 2 ** 32 - 0.5);

describe("EMA WebAssembly SIMD kernel", () => {
  it("matches τ·t + (1 − τ)·s in float32, one rounding per operation, bit for bit (sizes around the 4-lane and chunk edges)", () => {
    const kernel = EmaKernel.create();
    expect(kernel).not.toBeNull();
    const rng = new Rng(3);
    for (const n of [1, 3, 4, 7, 65536, 65536 * 2 + 5]) {
      const [t, s] = [random(rng, n), random(rng, n)];
      const expected = Float32Array.from(t, (v, i) => f(f(v * f(0.996)) + f((s[i] as number) * f(1 - 0.996))));
      kernel!.update(t, s, 0.996);
      expect(Array.from(t)).toEqual(Array.from(expected));
    }
  });

  it("Ema gives the same teacher with the kernel and with the JS loop", () => {
    const rng = new Rng(4);
    const [student, a, b] = [new Linear(300, 7, { rng }), new Linear(300, 7, { rng }), new Linear(300, 7, { rng })];
    b.weight.data.set(a.weight.data);
    b.bias?.data.set(a.bias?.data ?? []);
    const [wasm, js] = [new Ema(a, student), new Ema(b, student, { kernel: "js" })];
    for (const tau of [0.9, 0.99, 0.996]) {
      wasm.update(tau);
      js.update(tau);
    }
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias?.data ?? [])).toEqual(Array.from(b.bias?.data ?? []));
    expect(a.weight.data).not.toEqual(student.weight.data);
  });
});
