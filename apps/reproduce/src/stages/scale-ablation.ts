import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { hashValue } from "../io/hash";
import { datasetAbsent } from "../eval/dataset-presence";
import { missingApis, requirePackage } from "../ports/modules";
import type { BackbonePort } from "../ports/pipeline";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { meanSd, probeCv, type CvResult } from "../eval/cv";
import { featureSlides } from "../eval/feature-index";
import { meanRows, seededSubset } from "../eval/rng";
import { chooseGroups, foldsFor } from "../eval/folds";
import { metricWithCi } from "../eval/ci";
import { STATS_NEEDS, type StatsPort } from "../eval/stats-port";
import type { PipelineSettings } from "../config/schema";
import { tokenBudget } from "../config/token-budget";

const FEATURE_STAGES = ["features-pretrained", "features"];

/** Tokens per TCGA slide (the variants split this total between the scales). */
function tcgaTokens(tiling: PipelineSettings["tiling"]): number {
  const b = tokenBudget(tiling, "tcga");
  return b.tokens05 + b.tokens20;
}

/** The token-ratio variants (0.5 µm/px : 2.0 µm/px) of Ablation A4, over the same total budget. */
export function ratioVariants(total: number): { name: string; k05: number; k20: number }[] {
  const ratio = (a: number, b: number) => Math.round((total * a) / (a + b));
  return [
    { name: "0.5-only", k05: total, k20: 0 },
    { name: "4:1", k05: ratio(4, 1), k20: total - ratio(4, 1) },
    { name: "3:1", k05: ratio(3, 1), k20: total - ratio(3, 1) },
    { name: "2:1", k05: ratio(2, 1), k20: total - ratio(2, 1) },
    { name: "1:1", k05: ratio(1, 1), k20: total - ratio(1, 1) },
    { name: "1:2", k05: ratio(1, 2), k20: total - ratio(1, 2) },
    { name: "2.0-only", k05: 0, k20: total },
  ];
}

/**
 * Multi-scale vs single-scale (the paper's "p < 0.001", never computed by the original): TCGA slide
 * vectors [mean of k05 tokens at 0.5, mean of k20 at 2.0] for each token ratio, the same
 * site-grouped folds for every variant, a logistic-regression probe, and for "3:1" (the paper's
 * 1200:400) against each single scale: the Nadeau–Bengio corrected resampled t-test over the matched
 * folds and a patient-level paired bootstrap of OOF accuracy.
 */
export const scaleAblationStage: Stage = {
  name: "scale-ablation",
  nb: "Ablation A4",
  title: "multi-scale vs single-scale",
  kind: "cohort",
  deps: ["features"],
  version: 1,
  settings: (c) => ({ evaluation: c.settings.evaluation, total: tcgaTokens(c.settings.tiling), paperCompat: c.paperCompat }),
  unavailable: () => missingApis({ stats: STATS_NEEDS, backbone: ["readFeatureFile"] }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "tcga");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const found = await featureSlides(ctx, FEATURE_STAGES, "tcga");
    if (!found) {
      const any = await featureSlides(ctx, FEATURE_STAGES);
      return any ? { units: [], missing: 0, notApplicable: "no TCGA slides with features in this cohort", inputs: [] } : { units: [], missing: 1, missingReason: "no features yet (stage features)", inputs: [] };
    }
    return { units: [{ id: "cohort", inputs: hashValue([found.stage, found.slides.map((s) => s.fingerprint)]) }], missing: 0, inputs: [`${found.stage} features of ${found.slides.length} TCGA slides`] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const backbone = await requirePackage<BackbonePort>("backbone");
    const found = (await featureSlides(ctx, FEATURE_STAGES, "tcga"))!;
    const slides = found.slides.filter((s) => s.label !== null && s.group !== null);
    const ev = ctx.config.settings.evaluation;
    const total = tcgaTokens(ctx.config.settings.tiling);
    const feats: { a: { features: Float32Array; n: number; dim: number }; b: { features: Float32Array; n: number; dim: number } }[] = [];
    for (const s of slides) feats.push({ a: await backbone.readFeatureFile(s.file05), b: await backbone.readFeatureFile(s.file20) });
    const labels = [...new Set(slides.map((s) => s.label!))].sort();
    const y = slides.map((s) => labels.indexOf(s.label!));
    const { groups, note } = chooseGroups(y, slides.map((s) => s.group!), slides.map((s) => s.patient_id), labels);
    const folds = foldsFor("scale ablation (TCGA)", ev.folds, y, groups);
    const split = (seed: number) => stats.stratifiedGroupKFold(y, groups, { nSplits: folds, shuffle: true, seed, paperCompat: ctx.config.paperCompat });
    const results = new Map<string, CvResult>();
    const variants = ratioVariants(total);
    for (const v of variants) {
      const X = slides.map((s, i) => {
        const { a, b } = feats[i]!;
        return [...meanRows(a.features, a.dim, seededSubset(a.n, v.k05, `${s.slide_id}|0.5|${v.name}|${ctx.config.seed}`)), ...meanRows(b.features, b.dim, seededSubset(b.n, v.k20, `${s.slide_id}|2.0|${v.name}|${ctx.config.seed}`))];
      });
      results.set(v.name, probeCv(stats, X, y, { seeds: ev.seeds, split, probe: () => new stats.LogisticRegression({ C: 1, classWeight: "balanced", maxIter: 1000 }) }));
      ctx.reporter.info(`[scale-ablation] ${v.name}: mean fold accuracy ${meanSd(results.get(v.name)!.folds.map((f) => f.accuracy)).mean?.toFixed(3)}`);
    }
    const rows = variants.map((v) => {
      const f = results.get(v.name)!.folds;
      const m = (k: "accuracy" | "balanced_accuracy" | "macro_f1" | "macro_auroc") => meanSd(f.map((x) => x[k]));
      return { variant: v.name, tokens_0p5: v.k05, tokens_2p0: v.k20, accuracy: m("accuracy").mean, accuracy_sd: m("accuracy").sd, balanced_accuracy: m("balanced_accuracy").mean, macro_f1: m("macro_f1").mean, macro_auroc: m("macro_auroc").mean, folds: f.length };
    });
    const both = results.get("3:1")!;
    const patients = slides.map((s) => s.patient_id);
    const comparisons = ["0.5-only", "2.0-only"].map((other) => {
      const o = results.get(other)!;
      const a = both.folds.map((f) => f.accuracy);
      const b = o.folds.map((f) => f.accuracy);
      const nTrain = both.folds.reduce((s, f) => s + f.nTrain, 0) / both.folds.length;
      const nTest = both.folds.reduce((s, f) => s + f.nTest, 0) / both.folds.length;
      const t = stats.correctedResampledTTest(a, b, { nTrain, nTest });
      const data = { y, pa: both.oof[0]!.pred, pb: o.oof[0]!.pred };
      const boot = stats.pairedBootstrap((d: typeof data) => stats.accuracy(d.y, d.pa), (d: typeof data) => stats.accuracy(d.y, d.pb), data, { nResamples: ev.bootstrap, groups: patients, seed: ctx.config.seed });
      return { comparison: `3:1 (both scales) vs ${other}`, accuracy_difference: t.meanDifference, t: t.t, df: t.df, p_corrected_t: t.pValue, bootstrap_difference: boot.estimate, bootstrap_ci95: `${boot.low.toFixed(4)} – ${boot.high.toFixed(4)}`, p_paired_bootstrap: boot.pValue };
    });
    const dir = ctx.ws.results("scale-ablation");
    await writeFileAtomic(`${dir}/variants.csv`, formatCsv(Object.keys(rows[0]!), rows));
    await writeFileAtomic(`${dir}/folds.csv`, formatCsv(["variant", "seed", "fold", "nTrain", "nTest", "accuracy", "balanced_accuracy", "macro_f1", "macro_auroc"], variants.flatMap((v) => results.get(v.name)!.folds.map((f) => ({ variant: v.name, ...f })))));
    await writeJsonAtomic(`${dir}/comparisons.json`, comparisons);
    const summary: TaskSummary = {
      task: "scale-ablation",
      title: "Multi-scale vs single-scale (token-ratio ablation, TCGA)",
      protocol: `${slides.length} slides, ${labels.length} classes; mean-pooled ${found.slides[0]?.encoder_id} features (stage ${found.stage}); total ${total} tokens; StratifiedGroupKFold(${folds}) by ${note ? "patient" : "tissue source site"} × seeds ${ev.seeds.join(", ")}; StandardScaler + logistic regression (C=1, balanced); the same folds for every variant`,
      n: slides.length,
      chance: { name: "accuracy of the majority class", value: Math.max(...labels.map((_, c) => y.filter((v) => v === c).length)) / y.length },
      metrics: variants.map((v) => {
        const data = { y, pred: results.get(v.name)!.oof[0]!.pred };
        return metricWithCi(stats, `OOF accuracy, ${v.name} (seed ${ev.seeds[0]})`, (d: typeof data) => stats.accuracy(d.y, d.pred), data, { nResamples: ev.bootstrap, seed: ctx.config.seed, groups: patients, unit: "patient" });
      }),
      tables: [
        { title: "Variants (mean over folds)", columns: Object.keys(rows[0]!), rows },
        { title: "Both scales vs one scale: corrected resampled t-test over matched folds; paired bootstrap of OOF accuracy (first seed, patient resampling)", columns: Object.keys(comparisons[0]!), rows: comparisons },
      ],
      notes: [...(note ? [note] : []), "Folds of different seeds are not independent; the corrected resampled t-test (Nadeau–Bengio) accounts for the overlap of training sets, a plain paired t-test would not."],
    };
    await writeJsonAtomic(`${dir}/summary.json`, summary);
    return { outputs: ["variants.csv", "folds.csv", "comparisons.json", "summary.json"].map((f) => ctx.ws.rel(`${dir}/${f}`)), counts: { slides: slides.length, variants: variants.length } };
  },
};
