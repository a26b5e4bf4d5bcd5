import { describe, expect, it } from "vitest";
import { gapTable, geometricGap, MaskStream } from "./masks.js";

describe("sparse dropout masks: 16-bit geometric gaps", () => {
  it.each([0.0005, 0.02, 0.1, 0.25])("p = %s: the table is the log formula, and its expected drop rate is p within 1.2e-5 relative", (p) => {
    const scale = 1 / Math.log1p(-p);
    const table = gapTable(scale);
    expect(table.length).toBe(65536);
    let sum = 0;
    for (let h = 0; h < table.length; h++) {
      expect(table[h]).toBe(geometricGap(h, scale));
      sum += table[h] as number;
    }
    // a renewal process whose gaps are uniform over the table: drop rate 1 / (1 + mean gap)
    const rate = 1 / (1 + sum / table.length);
    expect(Math.abs(rate - p) / p).toBeLessThan(1.2e-5);
    // P(gap ≥ k) = (1 − p)^k to within 2⁻¹⁶ for every k (the geometric distribution, resolved to 16 bits)
    for (let k = 0; k < 3 / p; k += Math.max(1, Math.floor(0.1 / p))) {
      const atLeast = table.filter((g) => g >= k).length / table.length;
      expect(Math.abs(atLeast - (1 - p) ** k)).toBeLessThanOrEqual(2 ** -16);
    }
  });

  it.each([0.1, 0.02])("p = %s: masks drop at rate p (8M elements, 5 standard errors) with uncorrelated neighbours", (p) => {
    const out = new Uint8Array(8_000_000);
    new MaskStream(11, p).fill(out);
    let drops = 0;
    let pairs = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] === 0) {
        drops++;
        if (out[i + 1] === 0) pairs++;
      }
    }
    const rate = drops / out.length;
    expect(Math.abs(rate - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / out.length));
    // P(next dropped | dropped) = p for independent elements
    expect(Math.abs(pairs / drops - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / drops));
  });
});
