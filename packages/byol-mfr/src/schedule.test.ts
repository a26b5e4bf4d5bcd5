import { describe, expect, it } from "vitest";
import { emaSchedule, phaseLrSchedule } from "./schedule";

describe("schedules over the real number of optimizer steps", () => {
  it("warms up linearly from 1/W, peaks at 1, then decays on a cosine to exactly 0 at the last step, never rising again", () => {
    const s = phaseLrSchedule(500, 2000);
    expect(s(0)).toBeCloseTo(1 / 500, 12);
    expect(s(499)).toBe(1);
    expect(s(500)).toBe(1);
    expect(s(1999)).toBeCloseTo(0, 12);
    expect(s(500 + 1499 / 2)).toBeCloseTo(0.5, 12);
    for (let t = 501; t < 2000; t++) expect(s(t)).toBeLessThanOrEqual(s(t - 1));
  });
  it("caps the warm-up at the phase length", () => {
    const s = phaseLrSchedule(500, 4);
    expect([0, 1, 2, 3].map(s)).toEqual([0.25, 0.5, 0.75, 1]);
  });
  it("EMA τ rises from 0.996 to 1 on a cosine, or stays constant", () => {
    const c = emaSchedule("cosine", 0.996, 101);
    expect(c(0)).toBeCloseTo(0.996, 12);
    expect(c(100)).toBeCloseTo(1, 12);
    expect(c(50)).toBeCloseTo(0.998, 12);
    expect(emaSchedule("constant", 0.996, 101)(77)).toBe(0.996);
  });
});
