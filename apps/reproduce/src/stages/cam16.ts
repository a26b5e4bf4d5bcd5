import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { datasetAbsent } from "../eval/dataset-presence";
import { missingApis, requirePackage } from "../ports/modules";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { readStageMarkers } from "../runner/markers";
import { ensembleOof, meanSd, probeCv } from "../eval/cv";
import { metricWithCi } from "../eval/ci";
import { embeddedSlides } from "../eval/embedding-table";
import { foldsFor } from "../eval/folds";
import { STATS_NEEDS, type StatsPort } from "../eval/stats-port";

/**
 * NB09A: CAMELYON16 tumour vs normal from slide embeddings (official test slides already excluded by the
 * adapter): StratifiedKFold × seeds, StandardScaler + logistic regression, slide-level bootstrap CIs.
 */
export const cam16Stage: Stage = {
  name: "cam16",
  nb: "NB09A",
  title: "CAMELYON16 metastasis detection",
  kind: "cohort",
  deps: ["embeddings"],
  version: 1,
  settings: (c) => ({ evaluation: c.settings.evaluation, seed: c.seed }),
  unavailable: () => missingApis({ stats: [...STATS_NEEDS, "averagePrecision"], mil: ["readEmbeddings"] }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "camelyon16");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const m = (await readStageMarkers(ctx.ws, "embeddings")).get("cohort");
    if (!m || m.status !== "done") return { units: [], missing: 1, missingReason: "no embeddings yet (stage embeddings)", inputs: [] };
    if (!m.outputs.some((o) => o.endsWith("camelyon16.arrow"))) return { units: [], missing: 0, notApplicable: "no CAMELYON16 slide embeddings (no CAMELYON16 slides, or none passed QC and tiling at both scales)", inputs: [] };
    return { units: [{ id: "cohort", inputs: m.fingerprint }], missing: 0, inputs: ["embeddings/camelyon16.arrow"] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const ev = ctx.config.settings.evaluation;
    const slides = (await embeddedSlides(ctx, "camelyon16"))!.slides.filter((s) => s.row.label === "tumor" || s.row.label === "normal");
    const y = slides.map((s) => (s.row.label === "tumor" ? 1 : 0));
    const X = slides.map((s) => Array.from(s.embedding));
    const folds = foldsFor("CAMELYON16", ev.folds, y);
    const cv = probeCv(stats, X, y, { seeds: ev.seeds, split: (seed) => stats.stratifiedKFold(y, { nSplits: folds, shuffle: true, seed }), probe: () => new stats.LogisticRegression({ C: 1, maxIter: 5000 }) });
    const p = ensembleOof(cv.oof).map((q) => q[1]!);
    const pred = p.map((v) => (v >= 0.5 ? 1 : 0));
    const data = { y, p, pred };
    type D = typeof data;
    const opts = { nResamples: ev.bootstrap, seed: ctx.config.seed, unit: "slide" };
    const auroc = metricWithCi(stats, "AUROC", (d: D) => stats.rocAuc(d.y, d.p), data, opts);
    const metrics = [
      auroc,
      metricWithCi(stats, "accuracy (threshold 0.5)", (d: D) => stats.accuracy(d.y, d.pred), data, opts),
      metricWithCi(stats, "F1 (tumour, threshold 0.5)", (d: D) => stats.f1Score(d.y, d.pred, { average: "none", labels: [0, 1] })[1]!, data, opts),
      metricWithCi(stats, "average precision", (d: D) => stats.averagePrecision(d.y, d.p), data, opts),
    ];
    const dir = ctx.ws.results("cam16");
    // Figure input (@osfm/figures "Figure inputs"): results/cam16/oof.json
    await writeJsonAtomic(`${dir}/oof.json`, { auroc: auroc.value, auroc_ci95: auroc.ci95, slides: slides.map((s, i) => ({ slide_id: s.slideId, y_true: y[i], p_tumor: p[i] })), references: [] });
    await writeFileAtomic(`${dir}/cam16_oof.csv`, formatCsv(["slide_id", "y_true", "y_pred", "p_tumor"], slides.map((s, i) => ({ slide_id: s.slideId, y_true: y[i], y_pred: pred[i], p_tumor: p[i] }))));
    const fa = meanSd(cv.folds.map((f) => f.macro_auroc));
    const summary: TaskSummary = {
      task: "cam16",
      title: "CAMELYON16 tumour vs normal (NB09A)",
      protocol: `${slides.length} slides (${y.filter((v) => v).length} tumour); StratifiedKFold(${folds}) × seeds ${ev.seeds.join(", ")}; StandardScaler + logistic regression (C=1); OOF mean over seeds; fold AUROC ${fa.mean?.toFixed(3)} ± ${fa.sd?.toFixed(3)}`,
      n: slides.length,
      chance: { name: "AUROC of a random score", value: 0.5 },
      metrics,
    };
    await writeJsonAtomic(`${dir}/summary.json`, summary);
    return { outputs: ["oof.json", "cam16_oof.csv", "summary.json"].map((f) => ctx.ws.rel(`${dir}/${f}`)), counts: { slides: slides.length } };
  },
};
