import type { Module } from "../modules/module.js";

/**
 * Exponential moving average of parameters: target ← τ·target + (1 − τ)·source, in place, matched
 * by name (BYOL teacher, PANDA EMA weights). τ is passed per update so it can follow a schedule.
 */
export class Ema {
  private readonly pairs: [Float32Array, Float32Array][] = [];
  constructor(target: Module, source: Module) {
    const src = source.stateDict();
    for (const [name, p] of target.namedParameters()) {
      const s = src.get(name);
      if (!s) throw new Error(`Ema: source has no parameter "${name}"`);
      if (s.data.length !== p.data.length) throw new Error(`Ema: "${name}" sizes differ (${p.data.length} vs ${s.data.length})`);
      this.pairs.push([p.data, s.data]);
    }
  }

  /** Copies the source into the target (initialisation: teacher = student). */
  copy(): void {
    for (const [t, s] of this.pairs) t.set(s);
  }

  /** One EMA update with momentum `tau` ∈ [0, 1]. */
  update(tau: number): void {
    const a = 1 - tau;
    for (const [t, s] of this.pairs) for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) * tau + (s[i] as number) * a;
  }
}
