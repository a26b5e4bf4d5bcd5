import type { TaskMetric } from "../report/task-summary";
import type { StatsPort } from "./stats-port";

/**
 * A metric with its percentile bootstrap 95% CI from @osfm/stats (resampling units = `groups`, e.g.
 * patients). A metric undefined on the data gives value null; resamples where it is undefined are left out.
 */
export function metricWithCi<D extends Record<string, ArrayLike<unknown>>>(
  stats: StatsPort,
  name: string,
  fn: (d: D) => number,
  data: D,
  options: { nResamples: number; seed: number; groups?: ArrayLike<string | number>; unit: string },
): TaskMetric {
  let value: number;
  try {
    value = fn(data);
  } catch {
    return { name, value: null, ci95: null, ciMethod: "undefined on these data" };
  }
  if (!Number.isFinite(value)) return { name, value: null, ci95: null, ciMethod: "undefined on these data" };
  try {
    const r = stats.bootstrapCi(
      (d: D) => {
        try {
          return fn(d);
        } catch {
          return Number.NaN;
        }
      },
      data,
      { nResamples: options.nResamples, seed: options.seed, ...(options.groups ? { groups: options.groups } : {}) },
    );
    return { name, value, ci95: [r.low, r.high], ciMethod: `${options.unit}-level bootstrap, ${options.nResamples} resamples${r.nInvalid ? ` (${r.nInvalid} undefined)` : ""}` };
  } catch (error) {
    return { name, value, ci95: null, ciMethod: `no CI: ${(error as Error).message}` };
  }
}
