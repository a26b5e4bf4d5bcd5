import { Mt19937 } from "../internal/mt19937";
import { StatsInputError } from "../validate";
import { checkSplits, foldsFromAssignment, uniqueInverse } from "./encode";
import type { Fold, Keys } from "./types";

/** Options of {@link stratifiedKFold}. */
export interface KFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Shuffle each class's fold allocation. @default false */
  shuffle?: boolean;
  /** Seed of NumPy's legacy MT19937 (`random_state`); used only when shuffling. @default 0 */
  seed?: number;
}

/**
 * Stratified k-fold (scikit-learn `StratifiedKFold`): each fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ samples of each class c.
 * Same folds as scikit-learn for the same `seed` (its MT19937 stream and shuffle are reproduced).
 * Throws when every class has fewer than nSplits members (scikit-learn's error); some folds then lack
 * the rarer classes, which scikit-learn only warns about.
 */
export function stratifiedKFold(y: Keys, options: KFoldOptions = {}): Fold[] {
  const { nSplits = 5, shuffle = false, seed = 0 } = options;
  const n = y.length;
  const { inverse, counts: sortedCounts } = uniqueInverse(y, "stratifiedKFold y");
  checkSplits(nSplits, n, "stratifiedKFold");
  // classes re-indexed by first appearance, as scikit-learn does
  const firstSeen = new Int32Array(sortedCounts.length).fill(-1);
  let next = 0;
  const perm = new Int32Array(sortedCounts.length);
  for (let i = 0; i < n; i++) {
    const c = inverse[i] as number;
    if (firstSeen[c] === -1) {
      firstSeen[c] = 1;
      perm[c] = next++;
    }
  }
  const enc = new Int32Array(n);
  for (let i = 0; i < n; i++) enc[i] = perm[inverse[i] as number] as number;
  const nClasses = sortedCounts.length;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) counts[enc[i] as number]!++;
  if (counts.every((c) => nSplits > c)) {
    throw new StatsInputError(`stratifiedKFold: nSplits=${nSplits} cannot be greater than the number of members in each class`, "INVALID");
  }
  // y_order = sorted encoded labels; allocation[f][c] = count of class c in y_order[f::nSplits]
  const yOrder = Array.from(enc).sort((a, b) => a - b);
  const allocation = Array.from({ length: nSplits }, () => new Int32Array(nClasses));
  for (let i = 0; i < n; i++) (allocation[i % nSplits] as Int32Array)[yOrder[i] as number]!++;
  const rng = new Mt19937(seed);
  const testFold = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const forClass: number[] = [];
    for (let f = 0; f < nSplits; f++) for (let r = 0; r < (allocation[f] as Int32Array)[c]!; r++) forClass.push(f);
    if (shuffle) rng.shuffle(forClass);
    let p = 0;
    for (let i = 0; i < n; i++) if (enc[i] === c) testFold[i] = forClass[p++] as number;
  }
  return foldsFromAssignment(testFold, nSplits);
}
