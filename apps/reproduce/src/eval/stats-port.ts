/** The parts of @osfm/stats (issue 10's fixed names) the evaluation stages use. */
export interface FoldPort {
  train: ArrayLike<number>;
  test: ArrayLike<number>;
}

/** A fitted/unfitted probe. */
export interface ProbePort {
  classes: number[];
  fit(X: number[][], y: ArrayLike<number>): ProbePort;
  predictProba(X: number[][]): number[][];
}

/** @osfm/stats. */
export interface StatsPort {
  accuracy(y: ArrayLike<number>, p: ArrayLike<number>): number;
  balancedAccuracy(y: ArrayLike<number>, p: ArrayLike<number>): number;
  f1Score(y: ArrayLike<number>, p: ArrayLike<number>, options: { average: "none"; labels?: readonly number[] }): number[];
  f1Score(y: ArrayLike<number>, p: ArrayLike<number>, options?: { average?: string; labels?: readonly number[] }): number;
  precisionRecallF1(y: ArrayLike<number>, p: ArrayLike<number>, options?: { labels?: readonly number[] }): unknown;
  rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number;
  rocAucOvr(y: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>, options?: { labels?: readonly number[]; onUndefined?: "throw" | "nan" }): number;
  averagePrecision(y: ArrayLike<number>, score: ArrayLike<number>): number;
  cohenKappa(a: ArrayLike<number>, b: ArrayLike<number>, options?: { weights?: "quadratic" | "linear" | "none"; labels?: readonly number[] }): number;
  confusionMatrix(y: ArrayLike<number>, p: ArrayLike<number>, options?: { labels?: readonly number[] }): { labels: number[]; matrix: number[][] };
  stratifiedKFold(y: ArrayLike<number>, options: { nSplits?: number; shuffle?: boolean; seed?: number }): FoldPort[];
  stratifiedGroupKFold(y: ArrayLike<number>, groups: ArrayLike<string | number>, options: { nSplits?: number; shuffle?: boolean; seed?: number; paperCompat?: boolean }): FoldPort[];
  leaveOneGroupOut(groups: ArrayLike<string | number>): (FoldPort & { group: string | number })[];
  bootstrapCi<D extends Record<string, ArrayLike<unknown>>>(statistic: (data: D) => number, data: D, options?: { nResamples?: number; groups?: ArrayLike<string | number>; seed?: number }): { estimate: number; low: number; high: number; nInvalid: number };
  pairedBootstrap<D extends Record<string, ArrayLike<unknown>>>(a: (data: D) => number, b: (data: D) => number, data: D, options?: { nResamples?: number; groups?: ArrayLike<string | number>; seed?: number }): { estimate: number; low: number; high: number; pValue: number };
  correctedResampledTTest(a: readonly number[], b: readonly number[], options: { nTrain: number; nTest: number }): { meanDifference: number; t: number; df: number; pValue: number };
  StandardScaler: new () => { fit(X: number[][]): unknown; transform(X: number[][]): number[][] };
  LogisticRegression: new (options?: { C?: number; classWeight?: "balanced"; maxIter?: number; tol?: number }) => ProbePort;
  OrdinalLogisticAT: new (options?: { alpha?: number }) => ProbePort;
}

/** The exports the evaluation stages check for before running. */
export const STATS_NEEDS = ["accuracy", "balancedAccuracy", "f1Score", "rocAucOvr", "rocAuc", "cohenKappa", "confusionMatrix", "stratifiedKFold", "stratifiedGroupKFold", "bootstrapCi", "pairedBootstrap", "correctedResampledTTest", "StandardScaler", "LogisticRegression"] as const;
