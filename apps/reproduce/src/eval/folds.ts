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
  if (groups) k = Math.min(k, new Set(groups).size);
  if (k < 2) throw new NotApplicableError(`${task}: too few samples for cross-validation (smallest class ${smallestClass(y)}${groups ? `, ${new Set(groups).size} group(s)` : ""})`);
  return k;
}
