import { uniqueInverse } from "../splitters/encode";
import type { Keys } from "../splitters/types";
import { StatsInputError } from "../validate";

/** Resampling units: which samples each unit holds, and the stratum of each unit. */
export interface Units {
  /** members[u] = sample indices of unit u. */
  members: Int32Array[];
  /** strata[s] = unit indices of stratum s (one stratum when not stratified). */
  strata: Int32Array[];
  n: number;
}

/**
 * Builds resampling units: single samples, or groups (patients) in sorted group order; with `stratify`,
 * units are drawn within each stratum (a group must not span strata).
 */
export function buildUnits(n: number, groups?: Keys, stratify?: Keys): Units {
  let unitOf: Int32Array;
  let nUnits: number;
  if (groups) {
    if (groups.length !== n) throw new StatsInputError(`bootstrap: groups has ${groups.length} entries for ${n} samples`, "LENGTH_MISMATCH");
    const g = uniqueInverse(groups, "bootstrap groups");
    unitOf = g.inverse;
    nUnits = g.values.length;
  } else {
    unitOf = Int32Array.from({ length: n }, (_, i) => i);
    nUnits = n;
  }
  const lists: number[][] = Array.from({ length: nUnits }, () => []);
  for (let i = 0; i < n; i++) (lists[unitOf[i] as number] as number[]).push(i);
  const members = lists.map((l) => Int32Array.from(l));
  let strata: Int32Array[];
  if (stratify) {
    if (stratify.length !== n) throw new StatsInputError(`bootstrap: stratify has ${stratify.length} entries for ${n} samples`, "LENGTH_MISMATCH");
    const s = uniqueInverse(stratify, "bootstrap stratify");
    const unitStratum = new Int32Array(nUnits).fill(-1);
    for (let i = 0; i < n; i++) {
      const u = unitOf[i] as number;
      const st = s.inverse[i] as number;
      if (unitStratum[u] !== -1 && unitStratum[u] !== st) {
        throw new StatsInputError(`bootstrap: group of sample ${i} spans two strata; stratify by a per-group value`, "INVALID");
      }
      unitStratum[u] = st;
    }
    const sl: number[][] = Array.from({ length: s.values.length }, () => []);
    for (let u = 0; u < nUnits; u++) (sl[unitStratum[u] as number] as number[]).push(u);
    strata = sl.map((l) => Int32Array.from(l));
  } else {
    strata = [Int32Array.from({ length: nUnits }, (_, u) => u)];
  }
  return { members, strata, n };
}
