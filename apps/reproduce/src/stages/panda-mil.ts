import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { hashValue } from "../io/hash";
import { datasetAbsent } from "../eval/dataset-presence";
import { missingApis, requirePackage } from "../ports/modules";
import type { BackbonePort, GradingPort, MilPort } from "../ports/pipeline";
import { readStageMarkers } from "../runner/markers";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { slideBag } from "../eval/bags";
import { metricWithCi } from "../eval/ci";
import { featureSlides } from "../eval/feature-index";
import { foldsFor } from "../eval/folds";
import { STATS_NEEDS, type StatsPort } from "../eval/stats-port";

const K = 6;

/** Folds the splitter really made (adaptSplit may use fewer than asked on a small cohort). */
function foldsUsed(foldBySeed: readonly Int32Array[] | undefined, asked: number): number {
  const first = foldBySeed?.[0];
  return first && first.length ? Math.max(...first) + 1 : asked;
}

/**
 * Small cohorts (the demo's) cannot always be stratified on grade × provider: fewer folds when the
 * largest stratum is small, and plain (single-stratum) k-fold when no stratum has two members.
 */
export function adaptSplit(strata: readonly string[], o: { nSplits: number; shuffle: boolean; seed: number }): [number[], { nSplits: number; shuffle: boolean; seed: number }] {
  const counts = new Map<string, number>();
  for (const s of strata) counts.set(s, (counts.get(s) ?? 0) + 1);
  const largest = Math.max(...counts.values());
  const keys = largest >= 2 ? strata : strata.map(() => "all");
  const nSplits = Math.max(2, Math.min(o.nSplits, largest >= 2 ? largest : strata.length));
  return [keys as unknown as number[], { ...o, nSplits }];
}

/**
 * NB11: PANDA ISUP grading with attention MIL (@osfm/mil crossValidateGrading): folds stratified on
 * grade × provider, one CV per seed with its own folds, early stopping on an inner split of the training
 * folds (never on the reported fold), OOF for every seed and their ensemble; QWK and accuracy with
 * slide-level bootstrap CIs; results/panda/per_grade.json for Fig 4B.
 */
export const pandaMilStage: Stage = {
  name: "panda-mil",
  nb: "NB11",
  title: "PANDA ISUP grading (attention MIL)",
  kind: "cohort",
  deps: ["panda-features"],
  version: 1,
  settings: (c) => ({ seeds: c.settings.evaluation.seeds, folds: c.settings.evaluation.folds, epochs: c.settings.panda.epochs, standardize: c.settings.panda.standardize, bootstrap: c.settings.evaluation.bootstrap, seed: c.seed }),
  unavailable: () => missingApis({ mil: ["crossValidateGrading", "oofCsv", "tileCentresMm"], backbone: ["readFeatureFile"], stats: STATS_NEEDS }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "panda");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const found = await featureSlides(ctx, ["panda-features"], "panda");
    if (!found) {
      const manifest = await readStageMarkers(ctx.ws, "manifest");
      const anyPanda = [...manifest.values()].some((m) => m.row?.dataset === "panda");
      return anyPanda || manifest.size === 0 ? { units: [], missing: 1, missingReason: "no PANDA features yet (stage panda-features)", inputs: [] } : { units: [], missing: 0, notApplicable: "no PANDA slides in this cohort", inputs: [] };
    }
    return { units: [{ id: "cohort", inputs: hashValue(found.slides.map((s) => s.fingerprint)) }], missing: 0, inputs: [`panda-features of ${found.slides.length} slides`] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const mil = await requirePackage<MilPort & GradingPort>("mil");
    const backbone = await requirePackage<BackbonePort>("backbone");
    const manifest = await readStageMarkers(ctx.ws, "manifest");
    const slides = (await featureSlides(ctx, ["panda-features"], "panda"))!.slides.filter((s) => s.label !== null);
    const bags = [];
    for (const s of slides) bags.push(await slideBag(backbone, mil, s, Number(manifest.get(s.slide_id)?.row?.mpp)));
    const ids = slides.map((s) => s.slide_id);
    const labels = slides.map((s) => Number(s.label));
    const providers = slides.map((s) => String(s.group ?? "unknown"));
    const cohort = { ids, bags, labels, providers };
    const nFolds = foldsFor("PANDA", ctx.config.settings.evaluation.folds, labels);
    const qwk = (a: readonly number[], b: readonly number[]) => stats.cohenKappa(a, b, { weights: "quadratic", labels: [0, 1, 2, 3, 4, 5] });
    const ev = ctx.config.settings.evaluation;
    // The grading model's width follows the features (768 for ConvNeXt-Tiny; other encoders differ).
    const dim = bags[0] ? bags[0].features05.length / Math.max(1, bags[0].n05) : 768;
    const config = dim === 768 ? {} : { config: { dim, ffnDim: 2 * dim, scorerHidden: Math.max(1, dim / 2) } };
    const result = await mil.crossValidateGrading(cohort, qwk, {
      split: (strata, o) => stats.stratifiedKFold(...adaptSplit(strata, o)),
      seeds: ev.seeds,
      nFolds,
      epochs: ctx.config.settings.panda.epochs,
      standardize: ctx.config.settings.panda.standardize,
      ...config,
      onFold: (f) => ctx.reporter.info(`[panda-mil] seed ${f.seed} fold ${f.fold}: best epoch ${f.bestEpoch}, inner κ ${f.innerScore.toFixed(3)}, test κ ${f.testScore.toFixed(3)}`),
    });
    const pred = result.ensemblePred;
    const probs = ids.map((_, i) => Array.from(result.ensemble.subarray(i * K, (i + 1) * K)));
    const dir = ctx.ws.results("panda");
    await writeFileAtomic(`${dir}/oof_ensemble.csv`, mil.oofCsv(cohort, result.ensemble));
    for (const [j, seed] of result.seeds.entries()) await writeFileAtomic(`${dir}/oof_seed${seed}.csv`, mil.oofCsv(cohort, result.oofBySeed[j]!));
    await writeJsonAtomic(`${dir}/oof.json`, { ids, labels, providers, probs, seeds: result.seeds });
    const prf = stats.precisionRecallF1(labels, pred, { labels: [0, 1, 2, 3, 4, 5] }) as { precision: number[]; recall: number[]; f1: number[]; support: number[] };
    // Figure input (@osfm/figures "Figure inputs"): results/panda/per_grade.json
    await writeJsonAtomic(`${dir}/per_grade.json`, { grades: [0, 1, 2, 3, 4, 5].map((isup) => ({ isup, precision: prf.precision[isup] ?? null, recall: prf.recall[isup] ?? null, f1: prf.f1[isup] ?? null, support: prf.support[isup] ?? 0 })) });
    const data = { y: labels, pred };
    type D = typeof data;
    const opts = { nResamples: ev.bootstrap, seed: ctx.config.seed, unit: "slide" };
    const summary: TaskSummary = {
      task: "panda-mil",
      title: "PANDA ISUP grade (NB11, attention MIL)",
      protocol: `${ids.length} slides; StratifiedKFold(${foldsUsed(result.foldBySeed, nFolds)}) on grade × provider, own folds per seed (${result.seeds.join(", ")}); early stopping on an inner split of the training folds; ${ctx.config.settings.panda.epochs} epochs max;${ctx.config.settings.panda.standardize ? " token features standardised per training fold;" : ""} ensemble = mean of seeds' OOF probabilities`,
      n: ids.length,
      chance: { name: "κ of random predictions", value: 0 },
      metrics: [
        metricWithCi(stats, "quadratic-weighted κ", (d: D) => qwk(d.y, d.pred), data, opts),
        metricWithCi(stats, "accuracy", (d: D) => stats.accuracy(d.y, d.pred), data, opts),
      ],
    };
    await writeJsonAtomic(ctx.ws.results("panda-mil", "summary.json"), summary);
    const files = ["oof_ensemble.csv", ...result.seeds.map((s) => `oof_seed${s}.csv`), "oof.json", "per_grade.json"];
    return { outputs: [...files.map((f) => ctx.ws.rel(`${dir}/${f}`)), ctx.ws.rel(ctx.ws.results("panda-mil", "summary.json"))], counts: { slides: ids.length } };
  },
};
