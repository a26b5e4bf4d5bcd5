/** A label or score array that cannot be scored: mismatched lengths, NaN, empty. */
export class StatsInputError extends Error {
  override readonly name = "StatsInputError";
  constructor(
    message: string,
    readonly code: "LENGTH_MISMATCH" | "NOT_FINITE" | "EMPTY" | "INVALID",
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
