import { Mt19937 } from "../internal/mt19937";
import type { Keys } from "../splitters/types";
import { StatsInputError } from "../validate";
import { bcaLevels } from "./bca";
import { columnLength, takeRows, type Columns, type Statistic } from "./metric";
import { percentileSorted } from "./percentile";
import { buildUnits, type Units } from "./units";

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples. @default 1000 */
  nResamples?: number;
  /** Two-sided confidence level. @default 0.95 */
  confidenceLevel?: number;
  /** Percentile interval, or bias-corrected and accelerated (BCa, jackknife acceleration). @default "percentile" */
  method?: "percentile" | "bca";
  /** Resampling units (e.g. patient ids): whole groups are drawn with replacement. @default each sample */
  groups?: Keys;
  /** Draw units within each stratum (e.g. class), keeping stratum sizes fixed. @default no strata */
  stratify?: Keys;
  /** Seed of NumPy's legacy MT19937: unstratified draws equal `RandomState(seed).randint(0, m, m)` per resample. @default 0 */
  seed?: number;
  /** Called after each resample. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the resampling with an AbortError. */
  signal?: AbortSignal;
}

/** A bootstrap confidence interval and the distribution it came from. */
export interface BootstrapResult {
  /** Statistic on the original data. */
  estimate: number;
  low: number;
  high: number;
  method: "percentile" | "bca";
  confidenceLevel: number;
  nResamples: number;
  /** Resamples where the statistic was undefined (NaN or a StatsInputError, e.g. a class missing); left out of the interval. */
  nInvalid: number;
  /** Standard deviation (ddof 1) of the valid resampled statistics. */
  standardError: number;
  /** The resampled statistics, in draw order (NaN where invalid). */
  distribution: Float64Array;
}

/** Evaluates a statistic on resamples given as multiplicities per sample. */
export function countEvaluator<D extends Columns>(statistic: Statistic<D>, data: D, n: number): (counts: Float64Array) => number {
  const fast = statistic.prepare?.(data);
  const safe = (f: () => number): number => {
    try {
      return f();
    } catch (e) {
      if (e instanceof StatsInputError) return Number.NaN;
      throw e;
    }
  };
  if (fast) return (counts) => safe(() => fast(counts));
  return (counts) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) for (let c = 0; c < (counts[i] as number); c++) idx.push(i);
    return safe(() => statistic(takeRows(data, idx)));
  };
}

/** Draws one resample of units into per-sample multiplicities. */
export function drawCounts(units: Units, rng: Mt19937, counts: Float64Array): void {
  counts.fill(0);
  const members = units.members;
  for (const stratum of units.strata) {
    const m = stratum.length;
    for (let j = 0; j < m; j++) {
      const mem = members[stratum[rng.interval(m - 1)]!]!;
      for (let r = 0; r < mem.length; r++) counts[mem[r]!]! += 1;
    }
  }
}

/** Statistic with one unit left out, for every unit (jackknife). */
export function jackknife(evaluate: (counts: Float64Array) => number, units: Units): Float64Array {
  const counts = new Float64Array(units.n).fill(1);
  return Float64Array.from(units.members, (m) => {
    for (const i of m) counts[i] = 0;
    const v = evaluate(counts);
    for (const i of m) counts[i] = 1;
    return v;
  });
}

/** Runs the resampling loop shared by {@link bootstrapCi} and the paired bootstrap. */
export function resample(evaluate: (counts: Float64Array) => number, units: Units, options: BootstrapOptions): Float64Array {
  const { nResamples = 1000, seed = 0, onProgress, signal } = options;
  if (!Number.isInteger(nResamples) || nResamples < 1) throw new StatsInputError(`bootstrap: nResamples must be a positive integer, got ${nResamples}`, "INVALID");
  const rng = new Mt19937(seed);
  const counts = new Float64Array(units.n);
  const out = new Float64Array(nResamples);
  for (let b = 0; b < nResamples; b++) {
    signal?.throwIfAborted();
    drawCounts(units, rng, counts);
    out[b] = evaluate(counts);
    onProgress?.(b + 1, nResamples);
  }
  return out;
}

/** Interval from a bootstrap distribution (percentile or BCa); shared by the paired bootstrap. */
export function intervalFrom(
  estimate: number,
  distribution: Float64Array,
  options: BootstrapOptions,
  jack: () => Float64Array,
): BootstrapResult {
  const { confidenceLevel = 0.95, method = "percentile" } = options;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) throw new StatsInputError(`bootstrap: confidenceLevel must be in (0, 1), got ${confidenceLevel}`, "INVALID");
  const valid = Float64Array.from(distribution.filter((v) => !Number.isNaN(v))).sort();
  const nInvalid = distribution.length - valid.length;
  const alpha = (1 - confidenceLevel) / 2;
  let qLow = alpha;
  let qHigh = 1 - alpha;
  if (method === "bca") [qLow, qHigh] = bcaLevels(estimate, valid, jack(), alpha);
  else if (method !== "percentile") throw new StatsInputError(`bootstrap: unknown method "${String(method)}"`, "INVALID");
  let mean = 0;
  for (const v of valid) mean += v;
  mean /= valid.length;
  let ss = 0;
  for (const v of valid) ss += (v - mean) * (v - mean);
  return {
    estimate,
    low: Number.isNaN(qLow) ? Number.NaN : percentileSorted(valid, qLow * 100),
    high: Number.isNaN(qHigh) ? Number.NaN : percentileSorted(valid, qHigh * 100),
    method,
    confidenceLevel,
    nResamples: distribution.length,
    nInvalid,
    standardError: valid.length > 1 ? Math.sqrt(ss / (valid.length - 1)) : Number.NaN,
    distribution,
  };
}

/**
 * Bootstrap confidence interval of any statistic. Resampling units can be groups (patient-level bootstrap,
 * as the paper needs), drawn within strata, seeded (NumPy `RandomState` stream). A statistic with a
 * `prepare` fast path (e.g. {@link ovrAurocStatistic}) is evaluated from multiplicities without copying data.
 * Throws if the statistic is undefined on the original data; undefined resamples are counted in `nInvalid`.
 */
export function bootstrapCi<D extends Columns>(statistic: Statistic<D>, data: D, options: BootstrapOptions = {}): BootstrapResult {
  const n = columnLength(data);
  const units = buildUnits(n, options.groups, options.stratify);
  const evaluate = countEvaluator(statistic, data, n);
  // with a counts fast path, the estimate is the statistic at multiplicity 1 (no second preparation)
  const estimate = statistic.prepare ? evaluate(new Float64Array(n).fill(1)) : statistic(data);
  if (Number.isNaN(estimate)) throw new StatsInputError("bootstrapCi: the statistic is NaN on the original data", "INVALID");
  const dist = resample(evaluate, units, options);
  return intervalFrom(estimate, dist, options, () => jackknife(evaluate, units));
}
