import { StatsInputError } from "../validate";
import { countEvaluator, intervalFrom, jackknife, resample, type BootstrapOptions, type BootstrapResult } from "./bootstrap";
import { columnLength, type Columns, type Statistic } from "./metric";
import { buildUnits } from "./units";

/** A paired bootstrap of the difference A − B, with a two-sided bootstrap p-value for "no difference". */
export interface PairedBootstrapResult extends BootstrapResult {
  /** 2 · min(P*(Δ ≤ 0), P*(Δ ≥ 0)) over valid resamples, capped at 1. */
  pValue: number;
}

/**
 * Paired bootstrap for the difference between two models scored on the same samples: each resample draws
 * the same units for both statistics, so the interval of A − B accounts for their correlation.
 * `statisticA` and `statisticB` read the prediction columns of model A and B from the same data object.
 */
export function pairedBootstrap<D extends Columns>(
  statisticA: Statistic<D>,
  statisticB: Statistic<D>,
  data: D,
  options: BootstrapOptions = {},
): PairedBootstrapResult {
  const n = columnLength(data);
  const units = buildUnits(n, options.groups, options.stratify);
  const ea = countEvaluator(statisticA, data, n);
  const eb = countEvaluator(statisticB, data, n);
  const evaluate = (c: Float64Array): number => ea(c) - eb(c);
  const estimate = statisticA(data) - statisticB(data);
  if (Number.isNaN(estimate)) throw new StatsInputError("pairedBootstrap: a statistic is NaN on the original data", "INVALID");
  const dist = resample(evaluate, units, options);
  const r = intervalFrom(estimate, dist, options, () => jackknife(evaluate, units));
  let le = 0;
  let ge = 0;
  let m = 0;
  for (const v of dist) {
    if (Number.isNaN(v)) continue;
    m++;
    if (v <= 0) le++;
    if (v >= 0) ge++;
  }
  return { ...r, pValue: m === 0 ? Number.NaN : Math.min(1, (2 * Math.min(le, ge)) / m) };
}
