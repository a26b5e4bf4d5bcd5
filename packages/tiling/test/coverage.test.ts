import { describe, expect, it } from "vitest";
import { MaskIntegral, paperCoverage } from "../src/coverage";

function randomMask(width: number, height: number, seed: number) {
  let s = seed;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 30 >= 2 ? 1 : 0;
  }
  return { width, height, downsample: 1, data };
}

/** Brute force: sum over mask pixels of overlap area × value, divided by the box area. */
function bruteCoverage(mask: ReturnType<typeof randomMask>, u0: number, v0: number, u1: number, v1: number): number {
  let sum = 0;
  for (let j = 0; j < mask.height; j++)
    for (let i = 0; i < mask.width; i++) {
      const ox = Math.max(0, Math.min(i + 1, u1) - Math.max(i, u0));
      const oy = Math.max(0, Math.min(j + 1, v1) - Math.max(j, v0));
      sum += ox * oy * mask.data[j * mask.width + i]!;
    }
  return sum / ((u1 - u0) * (v1 - v0));
}

describe("exact coverage from the mask", () => {
  it("equals the area-weighted brute force for 300 fractional boxes (|Δ| < 1e-9)", () => {
    const mask = randomMask(37, 23, 5);
    const integral = new MaskIntegral(mask);
    let s = 99;
    const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 300; k++) {
      const u0 = r() * 36;
      const v0 = r() * 22;
      const u1 = Math.min(37, u0 + 0.2 + r() * 10);
      const v1 = Math.min(23, v0 + 0.2 + r() * 10);
      expect(Math.abs(integral.boxMean(u0, v0, u1, v1) - bruteCoverage(mask, u0, v0, u1, v1))).toBeLessThan(1e-9);
    }
  });

  it("counts the last mask row and column, which the original's clamp drops", () => {
    const mask = { width: 8, height: 8, downsample: 1, data: new Uint8Array(64) };
    for (let i = 0; i < 8; i++) {
      mask.data[7 * 8 + i] = 1;
      mask.data[i * 8 + 7] = 1;
    }
    const integral = new MaskIntegral(mask);
    expect(integral.boxMean(6, 6, 8, 8)).toBeCloseTo(0.75, 12);
    // the original maps the same box to indices [6, 7) × [6, 7) and sees no tissue
    expect(paperCoverage(mask, 1, 1, 6, 6, 2)).toBe(0);
  });
});
