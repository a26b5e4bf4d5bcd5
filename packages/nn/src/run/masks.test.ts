import { describe, expect, it } from "vitest";
import { Rng } from "../rng.js";
import { gapTable, geometricGap } from "./masks.js";

describe("sparse dropout masks: gap table", () => {
  it.each([0.1, 0.02, 0.25])("p = %s: every table entry equals the log formula on its whole range (edges and 200k random draws)", (p) => {
    const scale = 1 / Math.log1p(-p);
    const table = gapTable(scale);
    const width = 2 ** 32 / table.length;
    const wrong: number[] = [];
    const check = (a: number) => {
      const gap = table[Math.floor(a / width)] as number;
      if (gap >= 0 && gap !== geometricGap(a, scale)) wrong.push(a);
    };
    for (let b = 0; b < table.length; b++) for (const a of [b * width, b * width + 1, (b + 1) * width - 2, (b + 1) * width - 1]) check(a);
    const rng = new Rng(8);
    for (let i = 0; i < 200_000; i++) check(rng.nextU32());
    expect(wrong).toEqual([]);
    // share of draws answered by the table (each range is 2^-12 of the draws)
    const hits = table.filter((g) => g >= 0).length / table.length;
    expect(hits).toBeGreaterThan(p <= 0.1 ? 0.9 : 0.95);
  });
});
