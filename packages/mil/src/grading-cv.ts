import { MilInputError } from "./errors";
import { type GradingMetric, predictGrades, trainGrading, type TrainGradingOptions } from "./grading-train";
import { BagScaler } from "./feature-scaler";
import type { SlideBag } from "./types";

/** A stratified K-fold splitter (e.g. `stratifiedKFold` of @osfm/stats), injected so @osfm/mil depends only on @osfm/nn. */
export type StratifiedSplitter = (
  strata: readonly string[],
  options: { nSplits: number; shuffle: boolean; seed: number },
) => readonly { train: ArrayLike<number>; test: ArrayLike<number> }[];

/** The PANDA-like cohort to cross-validate. */
export interface GradingCohort {
  ids: readonly string[];
  bags: readonly SlideBag[];
  /** ISUP grades 0–5. */
  labels: readonly number[];
  /** Data provider (centre) of each slide: folds are stratified on grade × provider. */
  providers: readonly string[];
}

/** Options of {@link crossValidateGrading}. */
export interface GradingCvOptions extends Omit<TrainGradingOptions, "seed" | "onEpoch"> {
  split: StratifiedSplitter;
  /** One full CV per seed, each with its own folds. @default [42, 777, 1337] */
  seeds?: readonly number[];
  /** @default 5 */
  nFolds?: number;
  /** The inner validation split (early stopping) is 1/innerSplits of the training folds. @default 5 */
  innerSplits?: number;
  /**
   * Standardise token features per scale and dimension with statistics of each outer training fold (its
   * inner validation slides included; the test fold never), applied to training, inner validation and test
   * slides alike; see {@link BagScaler}. Not in the original. @default false
   */
  standardize?: boolean;
  onFold?: (info: { seed: number; fold: number; bestEpoch: number; innerScore: number; testScore: number }) => void;
}

/** Out-of-fold probabilities for every seed and their ensemble. */
export interface GradingCvResult {
  seeds: number[];
  /** Per seed: row-major [n, 6] OOF probabilities. */
  oofBySeed: Float64Array[];
  /** Mean of the per-seed OOF probabilities. */
  ensemble: Float64Array;
  /** argmax of the ensemble. */
  ensemblePred: number[];
  /** Fold index of each slide per seed. */
  foldBySeed: Int32Array[];
}

const strataOf = (labels: readonly number[], providers: readonly string[]) => labels.map((y, i) => `${y}_${providers[i]}`);

/**
 * The NB11 protocol done honestly: for every seed, 5 folds stratified on grade × provider (different
 * folds per seed); in each, the model is trained on the training folds with early stopping on an
 * inner split of those folds, then predicts the held-out fold. Returns OOF probabilities per seed and
 * their ensemble.
 */
export async function crossValidateGrading(cohort: GradingCohort, metric: GradingMetric, options: GradingCvOptions): Promise<GradingCvResult> {
  const { split, seeds = [42, 777, 1337], nFolds = 5, innerSplits = 5, standardize = false, onFold, ...train } = options;
  const n = cohort.bags.length;
  if (cohort.labels.length !== n || cohort.providers.length !== n || cohort.ids.length !== n) {
    throw new MilInputError("BAD_LABELS", "<cohort>", `ids, bags, labels and providers must have one entry per slide (${cohort.ids.length}, ${n}, ${cohort.labels.length}, ${cohort.providers.length})`);
  }
  const k = 6;
  const oofBySeed: Float64Array[] = [];
  const foldBySeed: Int32Array[] = [];
  for (const seed of seeds) {
    const oof = new Float64Array(n * k).fill(Number.NaN);
    const foldOf = new Int32Array(n).fill(-1);
    const folds = split(strataOf(cohort.labels, cohort.providers), { nSplits: nFolds, shuffle: true, seed });
    for (const [f, fold] of folds.entries()) {
      const trainIdx = Array.from(fold.train);
      const inner = split(trainIdx.map((i) => String(cohort.labels[i])), { nSplits: innerSplits, shuffle: true, seed: seed + 1 })[0];
      if (!inner) throw new MilInputError("BAD_LABELS", "<cohort>", "inner split produced no fold");
      const innerVal = new Set(Array.from(inner.test, (j) => trainIdx[j] as number));
      const fit = trainIdx.filter((i) => !innerVal.has(i));
      const scaler = standardize ? BagScaler.fit(trainIdx.map((i) => cohort.bags[i] as SlideBag)) : undefined;
      const pick = (idx: Iterable<number>) => {
        const list = [...idx];
        const bags = list.map((i) => cohort.bags[i] as SlideBag);
        return { bags: scaler ? bags.map((b) => scaler.transform(b)) : bags, labels: list.map((i) => cohort.labels[i] as number) };
      };
      const result = await trainGrading(pick(fit), pick(innerVal), metric, { ...train, seed: seed * 100 + f });
      const test = pick(Array.from(fold.test));
      const { proba, pred } = await predictGrades(result.model, test.bags, train.batchSize ?? 24);
      Array.from(fold.test).forEach((i, r) => {
        oof.set(proba.subarray(r * k, (r + 1) * k), i * k);
        foldOf[i] = f;
      });
      onFold?.({ seed, fold: f, bestEpoch: result.bestEpoch, innerScore: result.bestScore, testScore: metric(test.labels, pred) });
      await result.model.release();
    }
    oofBySeed.push(oof);
    foldBySeed.push(foldOf);
  }
  const ensemble = new Float64Array(n * k);
  for (const oof of oofBySeed) for (let i = 0; i < ensemble.length; i++) (ensemble[i] as number) += (oof[i] as number) / oofBySeed.length;
  const ensemblePred = Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if ((ensemble[i * k + j] as number) > (ensemble[i * k + best] as number)) best = j;
    return best;
  });
  return { seeds: [...seeds], oofBySeed, ensemble, ensemblePred, foldBySeed };
}

/** The OOF table as CSV (`image_id, true_isup, pred_isup, prob_0…prob_5, data_provider`), the original's `oof_ensemble.csv` columns. */
export function oofCsv(cohort: GradingCohort, proba: Float64Array): string {
  const k = 6;
  const header = ["image_id", "true_isup", "pred_isup", ...Array.from({ length: k }, (_, j) => `prob_${j}`), "data_provider"].join(",");
  const lines = cohort.ids.map((id, i) => {
    const p = Array.from(proba.subarray(i * k, (i + 1) * k));
    const pred = p.indexOf(Math.max(...p));
    return [id, cohort.labels[i], pred, ...p.map((v) => v.toPrecision(8)), cohort.providers[i]].join(",");
  });
  return `${[header, ...lines].join("\n")}\n`;
}
