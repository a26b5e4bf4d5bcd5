import { NotApplicableError } from "../errors";

/** Members of the smallest class. */
export function smallestClass(y: readonly (number | string)[]): number {
  const counts = new Map<number | string, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts.size ? Math.min(...counts.values()) : 0;
}

/**
 * The number of folds a small cohort allows: at most `wanted`, at most the size of the smallest class
 * (and the number of groups for grouped CV). Fewer than 2 classes or than 2 folds: the task is skipped
 * with a message saying what is missing (not a crash, not a meaningless number).
 */
export function foldsFor(task: string, wanted: number, y: readonly (number | string)[], groups?: readonly (number | string)[]): number {
  const classes = new Set(y).size;
  if (classes < 2) throw new NotApplicableError(`${task}: ${y.length} labelled sample(s) with ${classes} class(es); at least 2 classes are needed`);
  let k = Math.min(wanted, smallestClass(y));
  if (groups) {
    const per = new Map<number | string, Set<number | string>>();
    y.forEach((c, i) => per.set(c, (per.get(c) ?? new Set()).add(groups[i]!)));
    k = Math.min(k, ...[...per.values()].map((g) => g.size));
  }
  if (k < 2) throw new NotApplicableError(`${task}: too few samples for cross-validation (smallest class ${smallestClass(y)}${groups ? `; some class spans fewer than 2 groups` : ""})`);
  return k;
}

/**
 * Groups for site-grouped CV, or a documented fallback: when some class comes from a single site, a
 * site-grouped split must hold that class out of training entirely, so patients become the groups
 * (as in the original's Dec-2025 protocol) and `note` says so.
 */
export function chooseGroups(y: readonly number[], sites: readonly string[], patients: readonly string[], classNames: readonly string[]): { groups: string[]; note?: string } {
  const sitesOf = new Map<number, Set<string>>();
  y.forEach((c, i) => {
    const set = sitesOf.get(c) ?? new Set<string>();
    set.add(sites[i]!);
    sitesOf.set(c, set);
  });
  const single = [...sitesOf].filter(([, s]) => s.size < 2).map(([c]) => classNames[c] ?? String(c));
  if (!single.length) return { groups: [...sites] };
  return { groups: [...patients], note: `grouped by patient, not tissue source site: ${single.join(", ")} come(s) from a single site in this cohort` };
}
