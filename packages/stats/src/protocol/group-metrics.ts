import { StatsInputError } from "../validate";

/** A metric of the rows of one group (indices into the caller's arrays). */
export type GroupMetric = (indices: Int32Array) => number;

/** One row of a per-group table. */
export interface GroupMetricRow {
  /** Group value, or "all" for the pooled row. */
  group: number | string;
  n: number;
  /** Metric values by name; NaN where the metric is undefined on the group (e.g. one class only). */
  values: Record<string, number>;
  /** Why a value is NaN, by metric name (the StatsInputError message). */
  undefinedReasons: Record<string, string>;
}

/**
 * Per-group metric table (per center for CAMELYON17, per data provider for PANDA), plus a pooled "all" row.
 * A metric that throws StatsInputError on a group (e.g. AUROC with one class) becomes NaN with its reason;
 * any other error propagates.
 */
export function metricsByGroup(groups: ReadonlyArray<number | string>, metrics: Record<string, GroupMetric>, options: { pooled?: boolean } = {}): GroupMetricRow[] {
  const { pooled = true } = options;
  if (groups.length === 0) throw new StatsInputError("metricsByGroup: no samples", "EMPTY");
  const byGroup = new Map<number | string, number[]>();
  groups.forEach((g, i) => {
    const l = byGroup.get(g);
    if (l) l.push(i);
    else byGroup.set(g, [i]);
  });
  const keys = [...byGroup.keys()].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const row = (group: number | string, idx: Int32Array): GroupMetricRow => {
    const values: Record<string, number> = {};
    const undefinedReasons: Record<string, string> = {};
    for (const [name, fn] of Object.entries(metrics)) {
      try {
        values[name] = fn(idx);
      } catch (e) {
        if (!(e instanceof StatsInputError)) throw e;
        values[name] = Number.NaN;
        undefinedReasons[name] = e.message;
      }
    }
    return { group, n: idx.length, values, undefinedReasons };
  };
  const rows = keys.map((k) => row(k, Int32Array.from(byGroup.get(k) as number[])));
  if (pooled) rows.push(row("all", Int32Array.from({ length: groups.length }, (_, i) => i)));
  return rows;
}

/** Mean and sample standard deviation (ddof 1) of fold scores, skipping NaN, with how many were skipped. */
export function summarize(values: readonly number[]): { mean: number; sd: number; n: number; nNaN: number } {
  const v = values.filter((x) => !Number.isNaN(x));
  const n = v.length;
  const mean = n ? v.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1)) : Number.NaN;
  return { mean, sd, n, nNaN: values.length - n };
}
