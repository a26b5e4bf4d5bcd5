import { StatsInputError } from "../validate";
import type { Fold } from "./types";

/** Options of {@link nestedCv}. */
export interface NestedCvOptions<C, R> {
  /** Outer folds: the folds whose test parts are reported. */
  outer: readonly Fold[];
  /**
   * Inner folds for one outer training set, as indices of the full data set, drawn from `outerTrain` only
   * (use `mapFolds(outerTrain, splitter(take(y, outerTrain)))`).
   */
  inner: (outerTrain: Int32Array, outerFold: number) => Fold[];
  /** Configurations to choose from (e.g. C values, model kinds). */
  candidates: readonly C[];
  /** Score of `candidate` trained on `train` and scored on `test`; higher is better. */
  score: (candidate: C, train: Int32Array, test: Int32Array) => number;
  /** What to report for the selected candidate on an outer fold. @default the `score` of the outer fold */
  evaluate?: (candidate: C, train: Int32Array, test: Int32Array) => R;
}

/** One outer fold of a nested cross-validation. */
export interface NestedFoldResult<C, R> {
  outerFold: number;
  /** Candidate with the best mean inner score (first on ties). */
  selected: C;
  selectedIndex: number;
  /** Mean inner score of every candidate, in candidate order (NaN scores are skipped in the mean). */
  innerScores: number[];
  result: R;
}

/**
 * Nested cross-validation in one call: for each outer fold, every candidate is scored on inner folds of the
 * outer training set only, the best mean wins, and it is refit on the whole outer training set and reported
 * on the outer test fold. Model selection never sees the outer test fold (the original selected on it).
 */
export function nestedCv<C, R = number>(options: NestedCvOptions<C, R>): NestedFoldResult<C, R>[] {
  const { outer, inner, candidates, score } = options;
  const evaluate = options.evaluate ?? ((c: C, tr: Int32Array, te: Int32Array) => score(c, tr, te) as unknown as R);
  if (candidates.length === 0) throw new StatsInputError("nestedCv: expected at least one candidate", "EMPTY");
  return outer.map((fold, outerFold) => {
    const innerFolds = inner(fold.train, outerFold);
    const testSet = new Set(fold.test);
    for (const f of innerFolds) {
      for (const i of f.test) if (testSet.has(i)) throw new StatsInputError(`nestedCv: inner fold of outer fold ${outerFold} uses outer test sample ${i}`, "INVALID");
      for (const i of f.train) if (testSet.has(i)) throw new StatsInputError(`nestedCv: inner fold of outer fold ${outerFold} uses outer test sample ${i}`, "INVALID");
    }
    const innerScores = candidates.map((c) => {
      let s = 0;
      let m = 0;
      for (const f of innerFolds) {
        const v = score(c, f.train, f.test);
        if (!Number.isNaN(v)) {
          s += v;
          m++;
        }
      }
      return m === 0 ? Number.NaN : s / m;
    });
    let best = -1;
    innerScores.forEach((v, i) => {
      if (!Number.isNaN(v) && (best < 0 || v > (innerScores[best] as number))) best = i;
    });
    if (best < 0) throw new StatsInputError(`nestedCv: every candidate scored NaN on the inner folds of outer fold ${outerFold}`, "INVALID");
    const selected = candidates[best] as C;
    return { outerFold, selected, selectedIndex: best, innerScores, result: evaluate(selected, fold.train, fold.test) };
  });
}
