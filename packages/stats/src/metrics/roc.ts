import { assertIntegerLabels, assertPaired, StatsInputError } from "../validate";

/** Cumulative counts at each distinct score threshold, scores descending (scikit-learn `_binary_clf_curve`). */
export interface BinaryCurve {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** Validates a binary problem: labels in {0, 1} (or `posLabel` vs anything else) and finite scores. */
function positives(yTrue: ArrayLike<number>, score: ArrayLike<number>, what: string, posLabel: number): Uint8Array {
  assertPaired(yTrue, score, what);
  assertIntegerLabels(yTrue, `${what} yTrue`);
  const pos = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) pos[i] = yTrue[i] === posLabel ? 1 : 0;
  return pos;
}

/** Descending-score order with NumPy's tie order (reverse of a stable ascending sort). */
function descendingOrder(score: ArrayLike<number>): Int32Array {
  const n = score.length;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => (score[b] as number) - (score[a] as number) || b - a);
  return Int32Array.from(idx);
}

/** Counts of false and true positives above each distinct threshold, highest threshold first. */
export function binaryClfCurve(pos: Uint8Array, score: ArrayLike<number>): BinaryCurve {
  const order = descendingOrder(score);
  const n = order.length;
  const fps: number[] = [];
  const tps: number[] = [];
  const thr: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r] as number;
    tp += pos[i] as number;
    const s = score[i] as number;
    const next = r + 1 < n ? (score[order[r + 1] as number] as number) : Number.NaN;
    if (r === n - 1 || next !== s) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thr.push(s);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thr) };
}

/** A ROC curve: false/true positive rates at decreasing thresholds. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** thresholds[0] is max(score) + 1 (scikit-learn ≤ 1.2 convention), the point (0, 0). */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /** Label of the positive class. @default 1 */
  posLabel?: number;
  /** Drop points collinear with their neighbours, as scikit-learn does. @default true */
  dropIntermediate?: boolean;
}

/**
 * ROC curve of a binary problem with scikit-learn's tie handling (`roc_curve`): tied scores form one point.
 * Throws `SINGLE_CLASS` when yTrue has no positive or no negative (a rate would be 0/0).
 */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: RocCurveOptions = {}): RocCurve {
  const { posLabel = 1, dropIntermediate = true } = options;
  const pos = positives(yTrue, score, "rocCurve", posLabel);
  const c = binaryClfCurve(pos, score);
  let keep = Array.from({ length: c.fps.length }, (_, i) => i);
  if (dropIntermediate && c.fps.length > 2) {
    keep = keep.filter((i) => {
      if (i === 0 || i === c.fps.length - 1) return true;
      const d2f = (c.fps[i + 1] as number) - 2 * (c.fps[i] as number) + (c.fps[i - 1] as number);
      const d2t = (c.tps[i + 1] as number) - 2 * (c.tps[i] as number) + (c.tps[i - 1] as number);
      return d2f !== 0 || d2t !== 0;
    });
  }
  const nf = c.fps[c.fps.length - 1] as number;
  const nt = c.tps[c.tps.length - 1] as number;
  if (nf === 0 || nt === 0) {
    throw new StatsInputError(`rocCurve: only one class present in yTrue (${nt} positives, ${nf} negatives); the ROC curve is undefined`, "SINGLE_CLASS");
  }
  const fpr = [0];
  const tpr = [0];
  const thresholds = [(c.thresholds[0] as number) + 1];
  for (const i of keep) {
    fpr.push((c.fps[i] as number) / nf);
    tpr.push((c.tps[i] as number) / nt);
    thresholds.push(c.thresholds[i] as number);
  }
  return { fpr, tpr, thresholds };
}

/** Trapezoidal area under (x, y), x non-decreasing (the `np.trapz` scikit-learn's `auc` uses). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] as number) - (x[i - 1] as number)) * (((y[i] as number) + (y[i - 1] as number)) / 2);
  return area;
}

/** Options of {@link rocAuc}. */
export interface RocAucOptions {
  /** @default 1 */
  posLabel?: number;
}

/**
 * Area under the ROC curve of a binary problem (scikit-learn `roc_auc_score`); ties count one half.
 * Throws `SINGLE_CLASS` if yTrue holds one class only (scikit-learn raises too).
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>, options: RocAucOptions = {}): number {
  const { posLabel = 1 } = options;
  const labels = new Set<number>();
  for (let i = 0; i < yTrue.length; i++) labels.add(yTrue[i] as number);
  if (labels.size > 2) {
    throw new StatsInputError(`rocAuc: expected a binary yTrue, found ${labels.size} labels; use rocAucOvr for multiclass`, "INVALID");
  }
  const c = rocCurve(yTrue, score, { posLabel });
  return trapezoid(c.fpr, c.tpr);
}
