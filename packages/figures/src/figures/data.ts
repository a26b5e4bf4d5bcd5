/** Small helpers every figure uses to separate plottable values from undefined ones. */

/** True for a finite number (not null, NaN or ±Infinity). */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Splits rows into those whose `get` value is finite and a count of the others. */
export function splitFinite<T>(rows: readonly T[], get: (row: T) => number | null | undefined): { kept: T[]; missing: number } {
  const kept: T[] = [];
  let missing = 0;
  for (const row of rows) {
    if (isFiniteNumber(get(row))) kept.push(row);
    else missing += 1;
  }
  return { kept, missing };
}

/** Formats a number with `digits` decimals (fixed, locale-independent). */
export function fmt(v: number, digits = 2): string {
  return v.toFixed(digits);
}

/** Mean of a non-empty array. */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (ddof = 1); NaN for fewer than 2 values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** "1 slide" / "3 slides". */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
