/** ROC curve points from binary labels and scores (ties form one diagonal step). */

/** One ROC vertex: false- and true-positive rates at a score threshold. */
export interface RocPoint {
  fpr: number;
  tpr: number;
}

/**
 * The empirical ROC curve: (0,0), one vertex per distinct score (descending), ending at (1,1).
 * Returns null when either class is absent (the curve is undefined).
 */
export function rocCurve(labels: ReadonlyArray<0 | 1>, scores: readonly number[]): RocPoint[] | null {
  const order = scores.map((s, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const pos = labels.reduce<number>((s, y) => s + y, 0);
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return null;
  const pts: RocPoint[] = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (labels[i] === 1) tp += 1;
    else fp += 1;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) pts.push({ fpr: fp / neg, tpr: tp / pos });
  }
  return pts;
}

/** Area under a ROC polyline by the trapezoid rule (equals the Mann–Whitney AUROC with ties as ½). */
export function areaUnder(points: readonly RocPoint[]): number {
  let a = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as RocPoint;
    const q = points[i] as RocPoint;
    a += (q.fpr - p.fpr) * (q.tpr + p.tpr) * 0.5;
  }
  return a;
}
