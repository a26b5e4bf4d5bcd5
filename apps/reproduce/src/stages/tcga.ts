import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { datasetAbsent } from "../eval/dataset-presence";
import { missingApis, requirePackage } from "../ports/modules";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { readStageMarkers } from "../runner/markers";
import { argmaxClass, ensembleOof, meanSd, probeCv } from "../eval/cv";
import { metricWithCi } from "../eval/ci";
import { embeddedSlides, groupBy, poolVectors } from "../eval/embedding-table";
import { chooseGroups, foldsFor } from "../eval/folds";
import { STATS_NEEDS, type FoldPort, type StatsPort } from "../eval/stats-port";
import type { StageContext } from "../runner/stage";
import type { BackbonePort } from "../ports/pipeline";
import { featureSlides } from "../eval/feature-index";
import { meanRows } from "../eval/rng";

/**
 * results/tcga/paired.json (Fig 4E): per-class F1 of a baseline without aggregator (per patient, the
 * mean over slides of [mean tile feature at 0.5, at 2.0], as the Dec-2025 script) against the slide
 * embeddings, with the same probe on the same folds.
 */
async function writePairedBaseline(
  ctx: StageContext,
  stats: StatsPort,
  o: { ids: string[]; y: number[]; codes: string[]; folds: number; ours: number[]; split: (seed: number) => FoldPort[] },
): Promise<void> {
  const found = await featureSlides(ctx, ["features-pretrained", "features"], "tcga");
  if (!found) return;
  const backbone = await requirePackage<BackbonePort>("backbone");
  const byPatient = groupBy(found.slides, (s) => s.patient_id);
  const X: number[][] = [];
  for (const id of o.ids) {
    const vecs: Float32Array[] = [];
    for (const s of byPatient.get(id) ?? []) {
      const a = await backbone.readFeatureFile(s.file05);
      const b = await backbone.readFeatureFile(s.file20);
      vecs.push(Float32Array.from([...meanRows(a.features, a.dim, [...Array(a.n).keys()]), ...meanRows(b.features, b.dim, [...Array(b.n).keys()])]));
    }
    if (!vecs.length) return;
    X.push(poolVectors(vecs, "mean"));
  }
  const cv = probeCv(stats, X, o.y, { seeds: ctx.config.settings.evaluation.seeds, split: o.split, probe: () => new stats.LogisticRegression({ C: 1, maxIter: 5000 }) });
  const pred = ensembleOof(cv.oof).map((p) => argmaxClass(p, cv.classes));
  const base = stats.f1Score(o.y, pred, { average: "none", labels: cv.classes });
  const num = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  await writeJsonAtomic(ctx.ws.results("tcga", "paired.json"), {
    metric_label: "F1 (ensemble OOF, patient level)",
    model_a: `mean tile features, no aggregator (${found.stage})`,
    model_b: "OpenSlideFM slide embedding",
    classes: o.codes.map((c, i) => ({ class: c, a: num(base[i]), b: num(o.ours[i]) })),
  });
}

/**
 * NB07: TCGA pan-cancer classification from slide embeddings: patient means, StratifiedGroupKFold by
 * tissue source site × seeds, StandardScaler + logistic regression, every seed's OOF kept, patient-level
 * bootstrap CIs on the seed-ensemble OOF for every metric; the figure inputs of Fig 3A–D and Supp 1.
 */
export const tcgaStage: Stage = {
  name: "tcga",
  nb: "NB07",
  title: "TCGA pan-cancer classification",
  kind: "cohort",
  deps: ["embeddings"],
  version: 1,
  settings: (c) => ({ evaluation: c.settings.evaluation, seed: c.seed, paperCompat: c.paperCompat }),
  unavailable: () => missingApis({ stats: STATS_NEEDS, mil: ["readEmbeddings"] }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "tcga");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const m = (await readStageMarkers(ctx.ws, "embeddings")).get("cohort");
    if (!m || m.status !== "done") return { units: [], missing: 1, missingReason: "no embeddings yet (stage embeddings)", inputs: [] };
    if (!m.outputs.some((o) => o.endsWith("tcga.arrow"))) return { units: [], missing: 0, notApplicable: "no TCGA slide embeddings (no TCGA slides, or none passed QC and tiling at both scales)", inputs: [] };
    return { units: [{ id: "cohort", inputs: m.fingerprint }], missing: 0, inputs: ["embeddings/tcga.arrow", "manifests (labels)"] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const ev = ctx.config.settings.evaluation;
    const table = (await embeddedSlides(ctx, "tcga"))!;
    const patients = [...groupBy(table.slides.filter((s) => s.row.group && s.row.label), (s) => String(s.row.patient_id)).entries()];
    const codes = [...new Set(patients.map(([, s]) => String(s[0]!.row.label)))].sort();
    const y = patients.map(([, s]) => codes.indexOf(String(s[0]!.row.label)));
    const sites = patients.map(([, s]) => String(s[0]!.row.group));
    const { groups, note } = chooseGroups(y, sites, patients.map(([id]) => id), codes);
    const X = patients.map(([, s]) => poolVectors(s.map((x) => x.embedding), "mean"));
    const folds = foldsFor("TCGA", ev.folds, y, groups);
    const cv = probeCv(stats, X, y, {
      seeds: ev.seeds,
      split: (seed) => stats.stratifiedGroupKFold(y, groups, { nSplits: folds, shuffle: true, seed, paperCompat: ctx.config.paperCompat }),
      probe: () => new stats.LogisticRegression({ C: 1, maxIter: 5000 }),
    });
    const probs = ensembleOof(cv.oof);
    const pred = probs.map((p) => argmaxClass(p, cv.classes));
    const ids = patients.map(([id]) => id);
    const data = { y, pred, probs };
    type D = typeof data;
    const opts = { nResamples: ev.bootstrap, seed: ctx.config.seed, groups: ids, unit: "patient" };
    const metrics = [
      metricWithCi(stats, "accuracy", (d: D) => stats.accuracy(d.y, d.pred), data, opts),
      metricWithCi(stats, "balanced accuracy", (d: D) => stats.balancedAccuracy(d.y, d.pred), data, opts),
      metricWithCi(stats, "macro F1", (d: D) => stats.f1Score(d.y, d.pred, { average: "macro", labels: cv.classes }), data, opts),
      metricWithCi(stats, "macro AUROC (one-vs-rest)", (d: D) => stats.rocAucOvr(d.y, d.probs, { labels: cv.classes }), data, opts),
    ];
    const dir = ctx.ws.results("tcga");
    const pr = stats.precisionRecallF1(y, pred, { labels: cv.classes }) as { precision: number[]; recall: number[]; f1: number[]; support: number[] };
    const perClass = codes.map((code, c) => {
      let auroc: number | null = null;
      try {
        auroc = stats.rocAuc(y.map((v) => (v === c ? 1 : 0)), probs.map((p) => p[c]!));
      } catch {
        auroc = null;
      }
      return { class: code, precision: pr.precision[c] ?? null, recall: pr.recall[c] ?? null, f1: pr.f1[c] ?? null, auroc_ovr: auroc, support_patients: pr.support[c] ?? 0 };
    });
    const source = `OOF, ${folds}-fold StratifiedGroupKFold by ${note ? "patient" : "site"} × ${ev.seeds.length} seed(s), mean of seeds, patient level`;
    await writeJsonAtomic(`${dir}/per_class.json`, { source, classes: perClass });
    await writeJsonAtomic(`${dir}/oof_confidence.json`, { patients: ids.map((id, i) => ({ patient_id: id, confidence: Math.max(...probs[i]!) })) });
    await writeJsonAtomic(`${dir}/patient_embeddings.json`, { patients: ids.map((id, i) => ({ patient_id: id, class: codes[y[i]!]!, embedding: X[i]!.map((v) => (Number.isFinite(v) ? v : null)) })) });
    await writeFileAtomic(`${dir}/fold_results.csv`, formatCsv(["seed", "fold", "nTrain", "nTest", "accuracy", "balanced_accuracy", "macro_f1", "macro_auroc"], cv.folds.map((f) => ({ ...f }))));
    await writeFileAtomic(`${dir}/oof.csv`, formatCsv(["patient_id", "y_true", ...cv.oof.map((o) => `pred_seed${o.seed}`), "pred_ensemble"], ids.map((id, i) => ({ patient_id: id, y_true: codes[y[i]!], ...Object.fromEntries(cv.oof.map((o) => [`pred_seed${o.seed}`, codes[o.pred[i]!]])), pred_ensemble: codes[pred[i]!] }))));
    await writePairedBaseline(ctx, stats, { ids, y, codes, folds, ours: pr.f1, split: (seed) => stats.stratifiedGroupKFold(y, groups, { nSplits: folds, shuffle: true, seed, paperCompat: ctx.config.paperCompat }) });
    const foldAcc = meanSd(cv.folds.map((f) => f.accuracy));
    const summary: TaskSummary = {
      task: "tcga",
      title: `TCGA ${codes.length}-class cancer type (NB07)`,
      protocol: `${ids.length} patients (mean of slide embeddings, ${table.kind}), ${source}; StandardScaler + logistic regression (C=1); fold accuracy ${foldAcc.mean?.toFixed(3)} ± ${foldAcc.sd?.toFixed(3)} (SD over ${foldAcc.n} folds)`,
      n: ids.length,
      chance: { name: "accuracy of the majority class", value: Math.max(...codes.map((_, c) => y.filter((v) => v === c).length)) / y.length },
      metrics,
      ...(note ? { notes: [note] } : {}),
      tables: [{ title: "Per class (ensemble OOF)", columns: ["class", "precision", "recall", "f1", "auroc_ovr", "support_patients"], rows: perClass }],
    };
    await writeJsonAtomic(`${dir}/summary.json`, summary);
    return { outputs: ["per_class.json", "paired.json", "oof_confidence.json", "patient_embeddings.json", "fold_results.csv", "oof.csv", "summary.json"].map((f) => ctx.ws.rel(`${dir}/${f}`)), counts: { patients: ids.length, classes: codes.length } };
  },
};
