import { npArgsortQuick } from "../internal/numpy";
import { StatsInputError } from "../validate";
import { checkSplits, foldsFromAssignment, uniqueInverse } from "./encode";
import type { Fold, Keys } from "./types";

/** Options of {@link groupKFold}. */
export interface GroupKFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
}

/**
 * Group k-fold (scikit-learn `GroupKFold`, ≤ 1.5 algorithm): groups, largest first, go to the fold with the
 * fewest samples so far; no group is split across folds. Ties between equal-sized groups follow NumPy's
 * introsort order, so the folds equal scikit-learn's.
 */
export function groupKFold(groups: Keys, options: GroupKFoldOptions = {}): Fold[] {
  const { nSplits = 5 } = options;
  const { inverse, counts } = uniqueInverse(groups, "groupKFold groups");
  checkSplits(nSplits, groups.length, "groupKFold");
  const nGroups = counts.length;
  if (nSplits > nGroups) throw new StatsInputError(`groupKFold: cannot have nSplits=${nSplits} greater than the number of groups (${nGroups})`, "INVALID");
  const asc = npArgsortQuick(Float64Array.from(counts));
  const order = Array.from(asc).reverse();
  const perFold = new Float64Array(nSplits);
  const groupToFold = new Int32Array(nGroups);
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < nSplits; f++) if ((perFold[f] as number) < (perFold[lightest] as number)) lightest = f;
    perFold[lightest]! += counts[g] as number;
    groupToFold[g] = lightest;
  }
  const testFold = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) testFold[i] = groupToFold[inverse[i] as number] as number;
  return foldsFromAssignment(testFold, nSplits);
}

/**
 * Leave-one-group-out (scikit-learn `LeaveOneGroupOut`): one fold per group (sorted group order), testing on
 * that group and training on all others; e.g. leave-one-center-out for CAMELYON17.
 */
export function leaveOneGroupOut(groups: Keys): (Fold & { group: number | string })[] {
  const { values, inverse } = uniqueInverse(groups, "leaveOneGroupOut groups");
  if (values.length < 2) throw new StatsInputError(`leaveOneGroupOut: need at least 2 groups, found ${values.length}`, "INVALID");
  return foldsFromAssignment(inverse, values.length).map((f, i) => ({ ...f, group: values[i] as number | string }));
}
