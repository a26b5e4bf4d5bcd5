import { describe, expect, it } from "vitest";
import { SplitMix64, sampleIndices, tileSeed } from "../src/seed";

describe("seeded sampling", () => {
  it("derives different seeds per slide and per scale, and the same seed every time", () => {
    const a = tileSeed(1337, "TCGA-XX-0001", 0.5);
    expect(tileSeed(1337, "TCGA-XX-0001", 0.5)).toBe(a);
    expect(tileSeed(1337, "TCGA-XX-0001", 2.0)).not.toBe(a);
    expect(tileSeed(1337, "TCGA-XX-0002", 0.5)).not.toBe(a);
    expect(tileSeed(1338, "TCGA-XX-0001", 0.5) - a).toBe(1n);
  });

  it("draws k distinct sorted indices, uniformly (each index within 12 % of 4000·k/n picks over 4000 seeds; σ ≈ 3 %)", () => {
    const n = 50;
    const k = 10;
    const counts = new Array(n).fill(0);
    for (let s = 0; s < 4000; s++) {
      const idx = sampleIndices(n, k, BigInt(s) * 7919n);
      expect(new Set(idx).size).toBe(k);
      expect([...idx].sort((x, y) => x - y)).toEqual(idx);
      for (const i of idx) counts[i]++;
    }
    const expected = (4000 * k) / n;
    for (const c of counts) expect(Math.abs(c - expected) / expected).toBeLessThan(0.12);
    expect(sampleIndices(5, 10, 1n)).toEqual([0, 1, 2, 3, 4]);
  });

  it("SplitMix64.below stays in range", () => {
    const r = new SplitMix64(42n);
    for (let i = 0; i < 1000; i++) {
      const v = r.below(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
    }
  });
});
