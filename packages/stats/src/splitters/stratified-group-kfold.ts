import { Mt19937 } from "../internal/mt19937";
import { npIsClose, npMean, npStd } from "../internal/numpy";
import { StatsInputError } from "../validate";
import { checkSameLength, checkSplits, foldsFromAssignment, uniqueInverse } from "./encode";
import type { Fold, Keys } from "./types";

/** Options of {@link stratifiedGroupKFold}. */
export interface StratifiedGroupKFoldOptions {
  /** Number of folds. @default 5 */
  nSplits?: number;
  /** Shuffle groups before the greedy assignment (breaks ties between equally spread groups). @default false */
  shuffle?: boolean;
  /** Seed of NumPy's legacy MT19937 (`random_state`). @default 0 */
  seed?: number;
  /**
   * Reproduce scikit-learn ≤ 1.7's shuffle, which permutes the class-count rows without their group ids, so
   * each group lands in the fold chosen for another group (folds are then not stratified; scikit-learn PR
   * #32540). The paper's folds came from this. With `false`, the permutation is applied to both, as
   * scikit-learn ≥ 1.8 does. Only matters when `shuffle` is true. @default false
   */
  paperCompat?: boolean;
}

/** Greedy choice of scikit-learn `_find_best_fold`: the fold whose class spread grows least, then the smallest. */
function bestFold(perFold: Float64Array[], yCnt: Int32Array, add: Float64Array): number {
  const nSplits = perFold.length;
  const k = yCnt.length;
  let best = -1;
  let minEval = Number.POSITIVE_INFINITY;
  let minSamples = Number.POSITIVE_INFINITY;
  const col = new Float64Array(nSplits);
  const stdPerClass = new Float64Array(k);
  for (let i = 0; i < nSplits; i++) {
    for (let c = 0; c < k; c++) {
      // std over folds of (counts / class total), summed in row order as NumPy does along axis 0
      for (let f = 0; f < nSplits; f++) {
        const v = (perFold[f] as Float64Array)[c] as number;
        col[f] = (f === i ? v + (add[c] as number) : v) / (yCnt[c] as number);
      }
      let s = 0;
      for (let f = 0; f < nSplits; f++) s += col[f] as number;
      const m = s / nSplits;
      let q = 0;
      for (let f = 0; f < nSplits; f++) q += ((col[f] as number) - m) * ((col[f] as number) - m);
      stdPerClass[c] = Math.sqrt(q / nSplits);
    }
    const evalI = npMean(stdPerClass);
    let samples = 0;
    for (const v of perFold[i] as Float64Array) samples += v;
    if (evalI < minEval || (npIsClose(evalI, minEval) && samples < minSamples)) {
      minEval = evalI;
      minSamples = samples;
      best = i;
    }
  }
  return best;
}

/**
 * Stratified group k-fold (scikit-learn `StratifiedGroupKFold`): no group in two folds, class proportions
 * kept as well as a greedy assignment can (groups in order of decreasing class-count spread). Unshuffled
 * folds equal scikit-learn's; shuffled folds equal scikit-learn ≥ 1.8's for the same seed, or ≤ 1.7's with
 * `paperCompat`. Throws if there are fewer groups than folds (scikit-learn would return empty folds).
 */
export function stratifiedGroupKFold(y: Keys, groups: Keys, options: StratifiedGroupKFoldOptions = {}): Fold[] {
  const { nSplits = 5, shuffle = false, seed = 0, paperCompat = false } = options;
  checkSameLength(y, groups, "stratifiedGroupKFold y/groups");
  const n = y.length;
  const yEnc = uniqueInverse(y, "stratifiedGroupKFold y");
  const gEnc = uniqueInverse(groups, "stratifiedGroupKFold groups");
  checkSplits(nSplits, n, "stratifiedGroupKFold");
  const yCnt = yEnc.counts;
  if (yCnt.every((c) => nSplits > c)) {
    throw new StatsInputError(`stratifiedGroupKFold: nSplits=${nSplits} cannot be greater than the number of members in each class`, "INVALID");
  }
  const nGroups = gEnc.counts.length;
  if (nGroups < nSplits) throw new StatsInputError(`stratifiedGroupKFold: ${nGroups} groups cannot fill ${nSplits} folds`, "INVALID");
  const k = yCnt.length;
  // rows[r] = class counts of the group at row r; rowGroup[r] = the group whose samples row r's fold receives
  const rows = Array.from({ length: nGroups }, () => new Float64Array(k));
  for (let i = 0; i < n; i++) (rows[gEnc.inverse[i] as number] as Float64Array)[yEnc.inverse[i] as number]! += 1;
  const perm = Array.from({ length: nGroups }, (_, i) => i);
  if (shuffle) new Mt19937(seed).shuffle(perm);
  const shuffled = perm.map((g) => rows[g] as Float64Array);
  const rowGroup = paperCompat ? Array.from({ length: nGroups }, (_, i) => i) : perm;
  const spread = shuffled.map((r) => -npStd(r));
  const order = Array.from({ length: nGroups }, (_, i) => i).sort((a, b) => (spread[a] as number) - (spread[b] as number) || a - b);
  const perFold = Array.from({ length: nSplits }, () => new Float64Array(k));
  const groupFold = new Int32Array(nGroups).fill(-1);
  for (const r of order) {
    const add = shuffled[r] as Float64Array;
    const f = bestFold(perFold, yCnt, add);
    const target = perFold[f] as Float64Array;
    for (let c = 0; c < k; c++) target[c]! += add[c] as number;
    groupFold[rowGroup[r] as number] = f;
  }
  const testFold = new Int32Array(n);
  for (let i = 0; i < n; i++) testFold[i] = groupFold[gEnc.inverse[i] as number] as number;
  return foldsFromAssignment(testFold, nSplits);
}
