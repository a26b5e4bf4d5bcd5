import { Rng } from "@osfm/nn";
import { describe, expect, it } from "vitest";
import { makeViews } from "./views";

const dim = 16;
const bag = (n05: number, n20: number, v: number) => ({
  features05: new Float32Array(n05 * dim).fill(v), coords05: new Float32Array(n05 * 2),
  features20: new Float32Array(n20 * dim).fill(v), coords20: new Float32Array(n20 * 2),
});

describe("makeViews (SPEC §6.3–6.4)", () => {
  const v = makeViews([bag(300, 100, 1), bag(150, 50, 1)], dim, new Rng(1), { dropoutP: 0.1, noiseStd: 0.02, maskRatio: 0.25, teacherSeesMask: false });
  const T = v.tokens;
  it("masks round(0.25·T) real tokens per slide, the same indices in both views, never padding", () => {
    expect(T).toBe(400);
    const count = (row: number) => v.masked.subarray(row * T, (row + 1) * T).reduce((a, b) => a + b, 0);
    expect([count(0), count(1), count(2), count(3)]).toEqual([100, 50, 100, 50]);
    expect(Array.from(v.masked.subarray(0, 2 * T))).toEqual(Array.from(v.masked.subarray(2 * T, 4 * T)));
    for (let t = 200; t < 400; t++) expect(v.masked[1 * T + t]).toBe(0); // slide 2 has 200 tokens
  });
  it("zeroes masked rows in the student, keeps them in the teacher, and drops ~10 % of elements without rescaling", () => {
    let dropped = 0;
    let kept = 0;
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < 4 * T; r++) {
      const pad = v.pad[r] === 1;
      for (let j = 0; j < dim; j++) {
        const s = v.student[r * dim + j] as number;
        const t = v.teacher[r * dim + j] as number;
        if (pad) {
          expect(s).toBe(0);
          continue;
        }
        if (v.masked[r] === 1) expect(s).toBe(0);
        else expect(s).toBe(t);
        if (Math.abs(t) < 0.2) dropped++;
        else {
          kept++;
          sum += t - 1;
          sq += (t - 1) ** 2;
        }
      }
    }
    const p = dropped / (dropped + kept);
    expect(p).toBeGreaterThan(0.09); // Bernoulli(0.1) over 9,600 elements: ±0.003 sd
    expect(p).toBeLessThan(0.11);
    const mean = sum / kept;
    expect(Math.abs(mean)).toBeLessThan(0.002); // kept values are 1 + noise: no 1/(1−p) rescaling
    expect(Math.sqrt(sq / kept - mean * mean)).toBeCloseTo(0.02, 3);
  });
  it("is a pure function of the generator state (exact resume)", () => {
    const a = makeViews([bag(20, 5, 2)], dim, new Rng(9), { dropoutP: 0.1, noiseStd: 0.02, maskRatio: 0.25, teacherSeesMask: true });
    const b = makeViews([bag(20, 5, 2)], dim, new Rng(9), { dropoutP: 0.1, noiseStd: 0.02, maskRatio: 0.25, teacherSeesMask: true });
    expect(Array.from(a.student)).toEqual(Array.from(b.student));
    expect(Array.from(a.teacher)).toEqual(Array.from(a.student)); // teacherSeesMask: the original's masked teacher input
  });
});
