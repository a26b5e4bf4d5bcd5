import { StatsInputError } from "../validate";
import type { Fold } from "./types";

/** A fold of one repetition of a cross-validation. */
export interface SeededFold extends Fold {
  seed: number;
  /** Fold number within its repetition, from 0. */
  fold: number;
}

/**
 * Repeated cross-validation: one splitter run per seed, folds labelled with seed and fold number
 * (NB07's 5 folds × seeds [42, 123, 456] = 15 evaluations). `split(seed)` returns that seed's folds.
 */
export function repeatedSplits(seeds: readonly number[], split: (seed: number) => Fold[]): SeededFold[] {
  if (seeds.length === 0) throw new StatsInputError("repeatedSplits: expected at least one seed", "EMPTY");
  const out: SeededFold[] = [];
  for (const seed of seeds) split(seed).forEach((f, fold) => out.push({ ...f, seed, fold }));
  return out;
}

/** Re-expresses folds computed on a subset (positions 0..m−1) as indices of the full data set. */
export function mapFolds(indices: ArrayLike<number>, folds: readonly Fold[]): Fold[] {
  const map = (a: Int32Array): Int32Array => {
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = indices[a[i] as number] as number;
    return out;
  };
  return folds.map((f) => ({ train: map(f.train), test: map(f.test) }));
}

/** Values of `a` at `indices` (e.g. the labels of a training fold, to split it again). */
export function take<T>(a: ArrayLike<T>, indices: ArrayLike<number>): T[] {
  const out: T[] = [];
  for (let i = 0; i < indices.length; i++) out.push(a[indices[i] as number] as T);
  return out;
}
