/** What went wrong with an input, as a stable code callers can branch on. */
export type StatsInputErrorCode =
  | "LENGTH_MISMATCH"
  | "NOT_FINITE"
  | "EMPTY"
  | "INVALID"
  | "UNKNOWN_LABEL"
  | "SINGLE_CLASS"
  | "CLASS_ABSENT"
  | "NOT_FITTED"
  | "BAD_MODEL";

/** A label or score array that cannot be scored: mismatched lengths, NaN, empty, unknown labels, one class only. */
export class StatsInputError extends Error {
  override readonly name = "StatsInputError";
  constructor(
    message: string,
    readonly code: StatsInputErrorCode,
  ) {
    super(message);
  }
}

/** Throws unless `a` and `b` are non-empty, of equal length and all finite. */
export function assertPaired(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new StatsInputError(`${what}: expected arrays of equal length, got ${a.length} and ${b.length}`, "LENGTH_MISMATCH");
  }
  if (a.length === 0) throw new StatsInputError(`${what}: expected at least one sample, got none`, "EMPTY");
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) {
      throw new StatsInputError(`${what}: expected finite values, found ${a[i]} / ${b[i]} at index ${i}`, "NOT_FINITE");
    }
  }
}

/** Throws unless every value is an integer label (finite, whole). */
export function assertIntegerLabels(y: ArrayLike<number>, what: string): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isInteger(v)) {
      throw new StatsInputError(`${what}: expected integer class labels, found ${v} at index ${i}`, Number.isFinite(v) ? "INVALID" : "NOT_FINITE");
    }
  }
}

/** Throws unless `rows` is a non-empty n×k table of finite numbers with `n` rows; returns k. */
export function assertMatrix(rows: ReadonlyArray<ArrayLike<number>>, n: number, what: string): number {
  if (rows.length !== n) {
    throw new StatsInputError(`${what}: expected ${n} rows, got ${rows.length}`, "LENGTH_MISMATCH");
  }
  if (n === 0) throw new StatsInputError(`${what}: expected at least one row, got none`, "EMPTY");
  const k = (rows[0] as ArrayLike<number>).length;
  for (let i = 0; i < n; i++) {
    const r = rows[i] as ArrayLike<number>;
    if (r.length !== k) throw new StatsInputError(`${what}: row ${i} has ${r.length} columns, expected ${k}`, "LENGTH_MISMATCH");
    for (let j = 0; j < k; j++) {
      if (!Number.isFinite(r[j])) throw new StatsInputError(`${what}: expected finite values, found ${r[j]} at [${i}, ${j}]`, "NOT_FINITE");
    }
  }
  return k;
}
