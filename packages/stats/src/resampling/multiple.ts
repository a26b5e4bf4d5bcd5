import { StatsInputError } from "../validate";

/** Multiple-comparison adjustments of p-values. */
export type PAdjustMethod = "bonferroni" | "holm";

/**
 * Adjusted p-values for m comparisons: Bonferroni min(1, m·p), or Holm's step-down
 * (sorted ascending, p₍ᵢ₎·(m − i), running maximum, capped at 1). Returned in the input order.
 */
export function adjustPValues(p: readonly number[], method: PAdjustMethod = "holm"): number[] {
  const m = p.length;
  p.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) throw new StatsInputError(`adjustPValues: p-value ${v} at index ${i} is not in [0, 1]`, "INVALID");
  });
  if (method === "bonferroni") return p.map((v) => Math.min(1, v * m));
  if (method !== "holm") throw new StatsInputError(`adjustPValues: unknown method "${String(method)}"`, "INVALID");
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (p[idx] as number)));
    out[idx] = running;
  });
  return out;
}
