import { StatsInputError } from "../validate";

/** Sorted unique values of one or more label arrays (scikit-learn `unique_labels`). */
export function uniqueLabels(...arrays: ArrayLike<number>[]): number[] {
  const set = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i] as number);
  return [...set].sort((a, b) => a - b);
}

/** Maps each label to its column in `labels`; throws `UNKNOWN_LABEL` for a value not listed. */
export function encodeLabels(y: ArrayLike<number>, labels: readonly number[], what: string): Int32Array {
  const index = new Map<number, number>();
  labels.forEach((l, i) => index.set(l, i));
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = index.get(y[i] as number);
    if (k === undefined) {
      throw new StatsInputError(`${what}: label ${y[i]} at index ${i} is not one of the labels [${labels.join(", ")}]`, "UNKNOWN_LABEL");
    }
    out[i] = k;
  }
  return out;
}
