import { describe, expect, it } from "vitest";
import { areaUnder, rocCurve } from "./roc.js";

describe("rocCurve", () => {
  it("merges tied scores into one diagonal step; the area equals Mann–Whitney with ties counted ½", () => {
    const curve = rocCurve([1, 0, 1, 0], [0.5, 0.5, 0.8, 0.2]);
    expect(curve).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0, tpr: 0.5 },
      { fpr: 0.5, tpr: 1 },
      { fpr: 1, tpr: 1 },
    ]);
    // Pairs (pos, neg): (0.5,0.5)=½, (0.5,0.2)=1, (0.8,0.5)=1, (0.8,0.2)=1 → 3.5 / 4.
    expect(areaUnder(curve ?? [])).toBeCloseTo(0.875, 15);
  });
  it("is undefined (null) with one class", () => {
    expect(rocCurve([1, 1], [0.2, 0.3])).toBeNull();
    expect(rocCurve([], [])).toBeNull();
  });
});
