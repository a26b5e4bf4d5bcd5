import { StatsInputError } from "../validate";
import { ovrFromPrepared, prepareOvr } from "../metrics/ovr";

/** Parallel columns of a data set: each entry has one element (number, label or row) per sample. */
export type Columns = Record<string, ArrayLike<unknown>>;

/**
 * A statistic of a data set. It may carry `prepare`, a fast path used by the bootstrap: given the full
 * data once, it returns the statistic of a resample described by per-sample multiplicities (counts).
 */
export interface Statistic<D extends Columns> {
  (data: D): number;
  prepare?: (data: D) => (counts: Float64Array) => number;
}

/** Attaches a multiplicity-weighted fast path to a statistic. */
export function withCounts<D extends Columns>(fn: (data: D) => number, prepare: (data: D) => (counts: Float64Array) => number): Statistic<D> {
  const s = ((data: D) => fn(data)) as Statistic<D>;
  s.prepare = prepare;
  return s;
}

/** Rows of `data` at `indices`, column by column (a resample or a jackknife subset). */
export function takeRows<D extends Columns>(data: D, indices: ArrayLike<number>): D {
  const out: Record<string, unknown[]> = {};
  for (const [key, col] of Object.entries(data)) {
    const v: unknown[] = new Array(indices.length);
    for (let i = 0; i < indices.length; i++) v[i] = col[indices[i] as number];
    out[key] = v;
  }
  return out as unknown as D;
}

/** Number of samples of a column set; throws unless every column has the same length. */
export function columnLength(data: Columns): number {
  const entries = Object.entries(data);
  if (entries.length === 0) throw new StatsInputError("bootstrap: data has no columns", "EMPTY");
  const n = (entries[0] as [string, ArrayLike<unknown>])[1].length;
  for (const [k, v] of entries) if (v.length !== n) throw new StatsInputError(`bootstrap: column "${k}" has ${v.length} rows, expected ${n}`, "LENGTH_MISMATCH");
  if (n === 0) throw new StatsInputError("bootstrap: data has no rows", "EMPTY");
  return n;
}

/** Data of {@link ovrAurocStatistic}: labels and an n×k score table. */
export type OvrData = { yTrue: ArrayLike<number>; probs: ReadonlyArray<ArrayLike<number>> } & Columns;

/**
 * Macro one-vs-rest AUROC as a bootstrap statistic: columns are sorted once, each resample is one O(n·k)
 * weighted pass. A resample missing a class gives NaN (counted as invalid by the bootstrap).
 */
export const ovrAurocStatistic: Statistic<OvrData> = withCounts(
  (d: OvrData) => {
    const p = prepareOvr(d.yTrue, d.probs);
    return ovrFromPrepared(p, null, "macro", "nan");
  },
  (d: OvrData) => {
    const p = prepareOvr(d.yTrue, d.probs);
    return (counts) => ovrFromPrepared(p, counts, "macro", "nan");
  },
);

/** Data of {@link accuracyStatistic}. */
export type LabelPairData = { yTrue: ArrayLike<number>; yPred: ArrayLike<number> } & Columns;

/** Accuracy as a bootstrap statistic with a counts fast path. */
export const accuracyStatistic: Statistic<LabelPairData> = withCounts(
  (d: LabelPairData) => {
    let hit = 0;
    for (let i = 0; i < d.yTrue.length; i++) if (d.yTrue[i] === d.yPred[i]) hit++;
    return hit / d.yTrue.length;
  },
  (d: LabelPairData) => (counts) => {
    let hit = 0;
    let tot = 0;
    for (let i = 0; i < counts.length; i++) {
      tot += counts[i] as number;
      if (d.yTrue[i] === d.yPred[i]) hit += counts[i] as number;
    }
    return hit / tot;
  },
);
