import type { FoldPort, ProbePort, StatsPort } from "./stats-port";

/** One fold's scores. */
export interface FoldScore {
  seed: number;
  fold: number;
  nTrain: number;
  nTest: number;
  accuracy: number;
  balanced_accuracy: number;
  macro_f1: number;
  macro_auroc: number | null;
}

/** Out-of-fold predictions of one seed: probabilities over `classes` for every sample. */
export interface SeedOof {
  seed: number;
  probs: number[][];
  pred: number[];
}

/** Result of {@link probeCv}. */
export interface CvResult {
  classes: number[];
  folds: FoldScore[];
  oof: SeedOof[];
}

/** Options of {@link probeCv}. */
export interface ProbeCvOptions {
  seeds: readonly number[];
  /** Folds for a seed (stratified, grouped, leave-one-group-out…). */
  split: (seed: number) => FoldPort[];
  /** A fresh unfitted probe. */
  probe: () => ProbePort;
}

function take<T>(rows: readonly T[], idx: ArrayLike<number>): T[] {
  return Array.from(idx, (i) => rows[i]!);
}

/**
 * Cross-validates a probe: per seed and fold, a StandardScaler fitted on the training fold, the probe
 * fitted on it, probabilities on the test fold. Keeps every seed's OOF predictions (the original kept
 * only the last seed's) and every fold's metrics.
 */
export function probeCv(stats: StatsPort, X: number[][], y: number[], options: ProbeCvOptions): CvResult {
  const classes = [...new Set(y)].sort((a, b) => a - b);
  const folds: FoldScore[] = [];
  const oof: SeedOof[] = [];
  for (const seed of options.seeds) {
    const probs: number[][] = y.map(() => classes.map(() => Number.NaN));
    options.split(seed).forEach((f, k) => {
      const scaler = new stats.StandardScaler();
      const xTrain = take(X, f.train);
      scaler.fit(xTrain);
      const model = options.probe().fit(scaler.transform(xTrain), take(y, f.train));
      const p = model.predictProba(scaler.transform(take(X, f.test)));
      Array.from(f.test).forEach((row, i) => {
        probs[row] = classes.map((c) => {
          const j = model.classes.indexOf(c);
          return j < 0 ? 0 : p[i]![j]!;
        });
      });
      const yt = take(y, f.test);
      const pt = Array.from(f.test, (row) => argmaxClass(probs[row]!, classes));
      const pr = Array.from(f.test, (row) => probs[row]!);
      const auroc = classes.length === 2 ? safe(() => stats.rocAuc(yt.map((v) => (v === classes[1] ? 1 : 0)), pr.map((q) => q[1]!))) : safe(() => stats.rocAucOvr(yt, pr, { labels: classes, onUndefined: "nan" }));
      folds.push({ seed, fold: k, nTrain: f.train.length, nTest: f.test.length, accuracy: stats.accuracy(yt, pt), balanced_accuracy: stats.balancedAccuracy(yt, pt), macro_f1: stats.f1Score(yt, pt, { average: "macro", labels: classes }), macro_auroc: auroc });
    });
    oof.push({ seed, probs, pred: probs.map((p) => argmaxClass(p, classes)) });
  }
  return { classes, folds, oof };
}

/** The class with the highest probability (first on ties). */
export function argmaxClass(p: readonly number[], classes: readonly number[]): number {
  let best = 0;
  for (let j = 1; j < p.length; j++) if (p[j]! > p[best]!) best = j;
  return classes[best]!;
}

function safe(fn: () => number): number | null {
  try {
    const v = fn();
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** Mean and SD (ddof 1) of a list (nulls dropped). */
export function meanSd(values: readonly (number | null)[]): { mean: number | null; sd: number | null; n: number } {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!v.length) return { mean: null, sd: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, n: v.length };
}

/** Mean of several seeds' OOF probabilities (the ensemble). */
export function ensembleOof(oof: readonly SeedOof[]): number[][] {
  const n = oof[0]?.probs.length ?? 0;
  return Array.from({ length: n }, (_, i) => {
    const rows = oof.map((o) => o.probs[i]!);
    return rows[0]!.map((_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  });
}
