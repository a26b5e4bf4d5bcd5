import { StatsInputError } from "../validate";
import type { Fold, Keys } from "./types";

/** Sorted unique keys and each sample's position among them (`np.unique(..., return_inverse=True)`). */
export function uniqueInverse(keys: Keys, what: string): { values: (number | string)[]; inverse: Int32Array; counts: Int32Array } {
  const n = keys.length;
  if (n === 0) throw new StatsInputError(`${what}: expected at least one sample, got none`, "EMPTY");
  const list: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    const v = keys[i] as number | string;
    if (typeof v === "number" && !Number.isFinite(v)) throw new StatsInputError(`${what}: expected finite values, found ${v} at index ${i}`, "NOT_FINITE");
    list.push(v);
  }
  const numeric = typeof list[0] === "number";
  if (list.some((v) => (typeof v === "number") !== numeric)) throw new StatsInputError(`${what}: mixes numbers and strings`, "INVALID");
  const values = [...new Set(list)].sort((a, b) => (numeric ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
  const index = new Map<number | string, number>();
  values.forEach((v, i) => index.set(v, i));
  const inverse = new Int32Array(n);
  const counts = new Int32Array(values.length);
  for (let i = 0; i < n; i++) {
    const k = index.get(list[i] as number | string) as number;
    inverse[i] = k;
    counts[k]!++;
  }
  return { values, inverse, counts };
}

/** Folds from a per-sample test-fold id (−1 = never in a test fold). */
export function foldsFromAssignment(testFold: Int32Array, nSplits: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < nSplits; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < testFold.length; i++) (testFold[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/** Throws unless nSplits is an integer ≥ 2 and ≤ the number of samples. */
export function checkSplits(nSplits: number, n: number, what: string): void {
  if (!Number.isInteger(nSplits) || nSplits < 2) throw new StatsInputError(`${what}: nSplits must be an integer ≥ 2, got ${nSplits}`, "INVALID");
  if (nSplits > n) throw new StatsInputError(`${what}: cannot make ${nSplits} folds from ${n} samples`, "INVALID");
}

/** Throws unless `a` and `b` have the same length. */
export function checkSameLength(a: { length: number }, b: { length: number }, what: string): void {
  if (a.length !== b.length) throw new StatsInputError(`${what}: expected equal lengths, got ${a.length} and ${b.length}`, "LENGTH_MISMATCH");
}
