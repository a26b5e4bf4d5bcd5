import { describe, expect, it } from "vitest";
import { accuracy } from "./accuracy";
import { StatsInputError } from "./validate";

describe("accuracy", () => {
  it("counts exact label matches", () => {
    expect(accuracy([0, 1, 2, 2], [0, 2, 2, 1])).toBe(0.5);
  });
  it("rejects mismatched lengths and NaN with a typed error", () => {
    expect(() => accuracy([0, 1], [0])).toThrow(StatsInputError);
    expect(() => accuracy([0, Number.NaN], [0, 1])).toThrow(/finite/);
  });
});
