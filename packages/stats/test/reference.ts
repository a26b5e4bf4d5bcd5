import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Folder of the committed scikit-learn reference JSON (tooling/reference/stats). */
export const referenceDir = path.resolve(here, "../../../tooling/reference/stats");

const revive = (_k: string, v: unknown): unknown =>
  v === "NaN" ? Number.NaN : v === "Infinity" ? Number.POSITIVE_INFINITY : v === "-Infinity" ? Number.NEGATIVE_INFINITY : v;

/** Loads one reference file; "NaN"/"Infinity" strings become numbers. */
export function loadReference<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(referenceDir, name), "utf8"), revive) as T;
}

/** |a − b| ≤ tol, NaN equal to NaN. */
export function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol;
}

/** Largest |a_i − b_i| of two equal-length arrays (Infinity if lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    m = Math.max(m, Math.abs(x - y));
    if (Number.isNaN(x - y)) return Number.POSITIVE_INFINITY;
  }
  return m;
}
