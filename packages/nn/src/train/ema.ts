import type { Module } from "../modules/module.js";
import { EmaKernel } from "./ema-kernel.js";

/** Options of {@link Ema}. */
export interface EmaOptions {
  /** "wasm": the WebAssembly SIMD kernel (JS loop where unavailable); "js": the JS loop. Same float32 results. @default "wasm" */
  kernel?: "wasm" | "js";
}

const f = Math.fround;

/**
 * Exponential moving average of parameters: target ← τ·target + (1 − τ)·source, in place, matched
 * by name (BYOL teacher, PANDA EMA weights). τ is passed per update so it can follow a schedule.
 * Computed in float32 with one rounding per operation, as PyTorch's `τ·t + (1 − τ)·s`.
 */
export class Ema {
  private readonly pairs: [Float32Array, Float32Array][] = [];
  private readonly kernel: EmaKernel | null;
  constructor(target: Module, source: Module, options: EmaOptions = {}) {
    const { kernel = "wasm" } = options;
    const src = source.stateDict();
    for (const [name, p] of target.namedParameters()) {
      const s = src.get(name);
      if (!s) throw new Error(`Ema: source has no parameter "${name}"`);
      if (s.data.length !== p.data.length) throw new Error(`Ema: "${name}" sizes differ (${p.data.length} vs ${s.data.length})`);
      this.pairs.push([p.data, s.data]);
    }
    this.kernel = kernel === "wasm" ? EmaKernel.create() : null;
  }

  /** Copies the source into the target (initialisation: teacher = student). */
  copy(): void {
    for (const [t, s] of this.pairs) t.set(s);
  }

  /** One EMA update with momentum `tau` ∈ [0, 1]. */
  update(tau: number): void {
    if (this.kernel) {
      for (const [t, s] of this.pairs) this.kernel.update(t, s, tau);
      return;
    }
    const [ft, fa] = [f(tau), f(1 - tau)];
    for (const [t, s] of this.pairs) for (let i = 0; i < t.length; i++) t[i] = f(f((t[i] as number) * ft) + f((s[i] as number) * fa));
  }
}
