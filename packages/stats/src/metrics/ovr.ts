import { assertIntegerLabels, assertMatrix, StatsInputError } from "../validate";
import { argsortDescending } from "../internal/argsort";
import { npMean } from "../internal/numpy";

/** Options of {@link rocAucOvr}. */
export interface RocAucOvrOptions {
  /** Unweighted mean over classes, or weighted by class prevalence. @default "macro" */
  average?: "macro" | "weighted";
  /** Label of each column of `probs`. @default [0, 1, …, k−1] */
  labels?: readonly number[];
  /**
   * What to do when a class has no positive (or no negative) sample, where its AUROC is undefined:
   * throw a `StatsInputError` (like scikit-learn), or return NaN (documented; NB07's "None").
   * @default "throw"
   */
  onUndefined?: "throw" | "nan";
}

/** Area under the ROC curve with per-sample weights, for the samples in `order` (scores descending). */
export function weightedAuc(order: Int32Array, pos: Uint8Array, score: ArrayLike<number>, weight: ArrayLike<number> | null): number {
  let tp = 0;
  let fp = 0;
  let area = 0;
  let gp = 0;
  let gn = 0;
  const n = order.length;
  for (let r = 0; r < n; r++) {
    const i = order[r] as number;
    const w = weight === null ? 1 : (weight[i] as number);
    if (pos[i]) gp += w;
    else gn += w;
    if (r === n - 1 || (score[order[r + 1] as number] as number) !== (score[i] as number)) {
      area += gn * (tp + gp / 2);
      tp += gp;
      fp += gn;
      gp = 0;
      gn = 0;
    }
  }
  return tp === 0 || fp === 0 ? Number.NaN : area / (tp * fp);
}

/** Sample indices by descending score (order within ties unspecified: tie groups are handled as a whole). */
export function descending(score: ArrayLike<number>): Int32Array {
  return argsortDescending(score);
}

/** Per-class inputs of a one-vs-rest AUROC, sorted once so resampling can reuse them. */
export interface OvrPrepared {
  labels: number[];
  columns: Float64Array[];
  orders: Int32Array[];
  positives: Uint8Array[];
  /** In sorted order: 1 where the sample is positive. */
  sortedPositive: Uint8Array[];
  /** In sorted order: 1 where a tie group of equal scores ends; null when the column has no ties. */
  groupEnds: (Uint8Array | null)[];
}

/** Weighted AUROC from a column prepared in sorted order (one pass, no score comparisons). */
function preparedAuc(order: Int32Array, pos: Uint8Array, ends: Uint8Array | null, weight: ArrayLike<number>): number {
  const n = order.length;
  let tp = 0;
  let fp = 0;
  let area = 0;
  if (ends === null) {
    for (let r = 0; r < n; r++) {
      const w = weight[order[r]!]!;
      if (pos[r]) tp += w;
      else {
        area += w * tp;
        fp += w;
      }
    }
  } else {
    let gp = 0;
    let gn = 0;
    for (let r = 0; r < n; r++) {
      const w = weight[order[r]!]!;
      if (pos[r]) gp += w;
      else gn += w;
      if (ends[r]) {
        area += gn * (tp + gp / 2);
        tp += gp;
        fp += gn;
        gp = 0;
        gn = 0;
      }
    }
  }
  return tp === 0 || fp === 0 ? Number.NaN : area / (tp * fp);
}

/** Validates and sorts the columns of an n×k score table once (shared by the metric and its bootstrap). */
export function prepareOvr(yTrue: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>, labels?: readonly number[]): OvrPrepared {
  assertIntegerLabels(yTrue, "rocAucOvr yTrue");
  const k = assertMatrix(probs, yTrue.length, "rocAucOvr probs");
  const lab = labels ? [...labels] : Array.from({ length: k }, (_, i) => i);
  if (lab.length !== k) throw new StatsInputError(`rocAucOvr: ${lab.length} labels for ${k} score columns`, "LENGTH_MISMATCH");
  const col = new Map<number, number>();
  lab.forEach((l, i) => col.set(l, i));
  const n = yTrue.length;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = col.get(yTrue[i] as number);
    if (c === undefined) throw new StatsInputError(`rocAucOvr: label ${yTrue[i]} at index ${i} has no score column (labels [${lab.join(", ")}])`, "UNKNOWN_LABEL");
    y[i] = c;
  }
  const columns: Float64Array[] = [];
  const orders: Int32Array[] = [];
  const positives: Uint8Array[] = [];
  const sortedPositive: Uint8Array[] = [];
  const groupEnds: (Uint8Array | null)[] = [];
  for (let c = 0; c < k; c++) {
    const s = new Float64Array(n);
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (probs[i] as ArrayLike<number>)[c] as number;
      p[i] = y[i] === c ? 1 : 0;
    }
    columns.push(s);
    positives.push(p);
    const order = descending(s);
    orders.push(order);
    sortedPositive.push(Uint8Array.from(order, (i) => p[i]!));
    const ends = new Uint8Array(n);
    let ties = false;
    for (let r = 0; r < n; r++) {
      ends[r] = r === n - 1 || s[order[r + 1]!] !== s[order[r]!] ? 1 : 0;
      if (!ends[r]) ties = true;
    }
    groupEnds.push(ties ? ends : null);
  }
  return { labels: lab, columns, orders, positives, sortedPositive, groupEnds };
}

/** One-vs-rest AUROC from prepared columns, optionally with per-sample multiplicities (bootstrap counts). */
export function ovrFromPrepared(p: OvrPrepared, weight: ArrayLike<number> | null, average: "macro" | "weighted", onUndefined: "throw" | "nan"): number {
  const k = p.labels.length;
  const aucs = new Float64Array(k);
  const prevalence = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const auc =
      weight === null
        ? weightedAuc(p.orders[c] as Int32Array, p.positives[c] as Uint8Array, p.columns[c] as Float64Array, null)
        : preparedAuc(p.orders[c] as Int32Array, p.sortedPositive[c] as Uint8Array, p.groupEnds[c] as Uint8Array | null, weight);
    if (Number.isNaN(auc)) {
      if (onUndefined === "nan") return Number.NaN;
      throw new StatsInputError(`rocAucOvr: class ${p.labels[c]} has no positive or no negative sample; its AUROC is undefined`, "CLASS_ABSENT");
    }
    aucs[c] = auc;
    if (average === "macro") continue;
    const pos = p.positives[c] as Uint8Array;
    let s = 0;
    for (let i = 0; i < pos.length; i++) if (pos[i]) s += weight === null ? 1 : (weight[i] as number);
    prevalence[c] = s;
  }
  if (average === "macro") return npMean(aucs);
  let tot = 0;
  let acc = 0;
  for (let c = 0; c < k; c++) {
    tot += prevalence[c] as number;
    acc += (aucs[c] as number) * (prevalence[c] as number);
  }
  return acc / tot;
}

/**
 * One-vs-rest multiclass AUROC (scikit-learn `roc_auc_score(multi_class="ovr")`): the macro (or
 * prevalence-weighted) mean of each class's binary AUROC of its score column. Column c scores label
 * `labels[c]`. Unlike scikit-learn, rows need not sum to 1 (the OvR AUROC is defined for any scores).
 */
export function rocAucOvr(yTrue: ArrayLike<number>, probs: ReadonlyArray<ArrayLike<number>>, options: RocAucOvrOptions = {}): number {
  const { average = "macro", onUndefined = "throw" } = options;
  if (average !== "macro" && average !== "weighted") throw new StatsInputError(`rocAucOvr: unknown average "${String(average)}"`, "INVALID");
  return ovrFromPrepared(prepareOvr(yTrue, probs, options.labels), null, average, onUndefined);
}
