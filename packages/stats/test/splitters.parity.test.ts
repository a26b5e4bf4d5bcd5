import { describe, expect, it } from "vitest";
import { groupKFold, leaveOneGroupOut, stratifiedGroupKFold, stratifiedKFold, type Fold } from "../src/index";
import { loadReference } from "./reference";

interface SplitCase {
  name: string; y: (number | string)[]; groups: (number | string)[]; n_splits: number;
  skf?: number[][]; skf_shuffled?: Record<string, number[][]>; gkf: number[][]; sgkf?: number[][];
  sgkf_shuffled_sklearn12?: Record<string, number[][]>; sgkf_fixed?: Record<string, number[][]>; logo: number[][];
}
const ref = loadReference<{ sklearn: string; cases: SplitCase[] }>("splits.json");
const tests = (folds: Fold[]): number[][] => folds.map((f) => Array.from(f.test));
type K = number[] | string[];

/** Every sample in exactly one test fold; train = complement of test. */
function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const f of folds) {
    for (const i of f.test) seen[i]!++;
    expect(f.train.length + f.test.length).toBe(n);
    const t = new Set(f.test);
    for (const i of f.train) expect(t.has(i)).toBe(false);
  }
  expect(Array.from(seen).every((v) => v === 1)).toBe(true);
}

/** No group has samples on both sides of any fold. */
function expectGroupDisjoint(folds: Fold[], groups: readonly (number | string)[]): void {
  for (const f of folds) {
    const testGroups = new Set(Array.from(f.test, (i) => groups[i]));
    for (const i of f.train) expect(testGroups.has(groups[i] as number | string)).toBe(false);
  }
}

describe(`splitters reproduce scikit-learn ${ref.sklearn} folds exactly`, () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const y = c.y as K;
      const g = c.groups as K;
      const n = c.y.length;
      const nSplits = c.n_splits;
      if (c.skf) {
        expect(tests(stratifiedKFold(y, { nSplits }))).toEqual(c.skf);
        for (const [seed, want] of Object.entries(c.skf_shuffled ?? {})) {
          expect(tests(stratifiedKFold(y, { nSplits, shuffle: true, seed: Number(seed) }))).toEqual(want);
        }
      }
      const gk = groupKFold(g, { nSplits });
      expect(tests(gk)).toEqual(c.gkf);
      expectGroupDisjoint(gk, c.groups);
      if (c.sgkf) {
        expect(tests(stratifiedGroupKFold(y, g, { nSplits }))).toEqual(c.sgkf);
        for (const [seed, want] of Object.entries(c.sgkf_shuffled_sklearn12 ?? {})) {
          expect(tests(stratifiedGroupKFold(y, g, { nSplits, shuffle: true, seed: Number(seed), paperCompat: true }))).toEqual(want);
        }
        for (const [seed, want] of Object.entries(c.sgkf_fixed ?? {})) {
          const folds = stratifiedGroupKFold(y, g, { nSplits, shuffle: true, seed: Number(seed) });
          expect(tests(folds)).toEqual(want);
          expectPartition(folds, n);
          expectGroupDisjoint(folds, c.groups);
        }
      }
      const lo = leaveOneGroupOut(g);
      expect(tests(lo)).toEqual(c.logo);
      expectPartition(lo, n);
    });
  }
});

describe("splitter properties", () => {
  it("stratifiedKFold puts ⌊n_c/k⌋ or ⌈n_c/k⌉ of every class in each test fold", () => {
    const y = Array.from({ length: 503 }, (_, i) => (i * 7919) % 11 % 4);
    for (const seed of [0, 1, 2]) {
      const folds = stratifiedKFold(y, { nSplits: 5, shuffle: true, seed });
      expectPartition(folds, y.length);
      for (let c = 0; c < 4; c++) {
        const nc = y.filter((v) => v === c).length;
        for (const f of folds) {
          const m = Array.from(f.test).filter((i) => y[i] === c).length;
          expect(m === Math.floor(nc / 5) || m === Math.ceil(nc / 5)).toBe(true);
        }
      }
    }
  });
  it("the fixed shuffle keeps stratification that scikit-learn ≤ 1.7's shuffle loses", () => {
    // 60 single-class groups of 1–5 samples: groups 0–39 class 0, 40–59 class 1
    const groups: number[] = [];
    for (let g = 0; g < 60; g++) for (let r = 0; r <= (g * 7) % 5; r++) groups.push(g);
    const y = groups.map((g) => (g < 40 ? 0 : 1));
    const spread = (folds: Fold[]): number => {
      const fr = folds.map((f) => Array.from(f.test).filter((i) => y[i] === 1).length / f.test.length);
      return Math.max(...fr) - Math.min(...fr);
    };
    let fixed = 0;
    let compat = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      fixed = Math.max(fixed, spread(stratifiedGroupKFold(y, groups, { nSplits: 5, shuffle: true, seed })));
      compat = Math.max(compat, spread(stratifiedGroupKFold(y, groups, { nSplits: 5, shuffle: true, seed, paperCompat: true })));
    }
    expect(fixed).toBeLessThan(0.05);
    expect(compat).toBeGreaterThan(0.15);
  });
  it("rejects impossible splits with a typed error", () => {
    expect(() => stratifiedKFold([0, 0, 1, 1], { nSplits: 3 })).toThrow(/number of members in each class/);
    expect(() => groupKFold([1, 1, 2, 2], { nSplits: 3 })).toThrow(/number of groups/);
    expect(() => stratifiedGroupKFold([0, 1, 0, 1, 0, 1], [1, 1, 2, 2, 2, 2], { nSplits: 3 })).toThrow(/groups cannot fill/);
    expect(() => leaveOneGroupOut([3, 3, 3])).toThrow(/at least 2 groups/);
    expect(() => stratifiedGroupKFold([0, 1], [1], {})).toThrow(/equal lengths/);
    expect(() => groupKFold([1, Number.NaN, 2], { nSplits: 2 })).toThrow(/finite/);
  });
});
