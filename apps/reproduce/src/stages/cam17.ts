import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { datasetAbsent } from "../eval/dataset-presence";
import { NotApplicableError } from "../errors";
import { missingApis, requirePackage } from "../ports/modules";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { readStageMarkers } from "../runner/markers";
import { probeCv } from "../eval/cv";
import { metricWithCi } from "../eval/ci";
import { embeddedSlides, groupBy, poolVectors } from "../eval/embedding-table";
import { foldsFor } from "../eval/folds";
import { STATS_NEEDS, type StatsPort } from "../eval/stats-port";

/**
 * NB09: CAMELYON17 pN staging: patient vector = element-wise max over the patient's node slides,
 * leave-one-centre-out (5-fold stratified when fewer than 2 centres), a fixed all-threshold ordinal
 * logistic model (no selection on test folds), pooled and per-centre quadratic-weighted κ with a
 * patient-level bootstrap CI; the figure inputs of Fig 4C–D.
 */
export const cam17Stage: Stage = {
  name: "cam17",
  nb: "NB09",
  title: "CAMELYON17 pN staging (leave-one-centre-out)",
  kind: "cohort",
  deps: ["embeddings"],
  version: 1,
  settings: (c) => ({ evaluation: c.settings.evaluation, seed: c.seed, model: "ordinal-AT alpha=1" }),
  unavailable: () => missingApis({ stats: [...STATS_NEEDS, "OrdinalLogisticAT", "leaveOneGroupOut"], mil: ["readEmbeddings"] }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "camelyon17");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const m = (await readStageMarkers(ctx.ws, "embeddings")).get("cohort");
    if (!m || m.status !== "done") return { units: [], missing: 1, missingReason: "no embeddings yet (stage embeddings)", inputs: [] };
    if (!m.outputs.some((o) => o.endsWith("camelyon17.arrow"))) return { units: [], missing: 0, notApplicable: "no CAMELYON17 slide embeddings (no CAMELYON17 slides, or none passed QC and tiling at both scales)", inputs: [] };
    return { units: [{ id: "cohort", inputs: m.fingerprint }], missing: 0, inputs: ["embeddings/camelyon17.arrow"] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const ev = ctx.config.settings.evaluation;
    const slides = (await embeddedSlides(ctx, "camelyon17"))!.slides.filter((s) => s.row.pn !== null && s.row.pn !== undefined);
    const patients = [...groupBy(slides, (s) => String(s.row.patient_id)).entries()];
    const ids = patients.map(([id]) => id);
    const y = patients.map(([, s]) => Number(s[0]!.row.pn));
    const centers = patients.map(([, s]) => String(s[0]!.row.group ?? "unknown"));
    const X = patients.map(([, s]) => poolVectors(s.map((x) => x.embedding), "max"));
    const known = [...new Set(centers.filter((c) => c !== "unknown"))];
    const kFolds = known.length >= 2 ? 0 : foldsFor("CAMELYON17", ev.folds, y);
    if (new Set(y).size < 2) foldsFor("CAMELYON17", ev.folds, y);
    const loco = known.length >= 2;
    const split = () =>
      loco
        ? stats.leaveOneGroupOut(centers).filter((f) => f.group !== "unknown").map((f) => ({ train: Array.from(f.train).concat(centers.flatMap((c, i) => (c === "unknown" ? [i] : []))).filter((v, i, a) => a.indexOf(v) === i), test: f.test }))
        : stats.stratifiedKFold(y, { nSplits: kFolds, shuffle: true, seed: 17 });
    if (loco)
      for (const f of split()) {
        const trainClasses = new Set(Array.from(f.train, (i) => y[i]));
        if (trainClasses.size < 2) throw new NotApplicableError(`CAMELYON17: leaving a centre out leaves training patients of a single pN class (${ids.length} patients in ${known.length} centres)`);
      }
    const cv = probeCv(stats, X, y, { seeds: [ev.seeds[0]!], split, probe: () => new stats.OrdinalLogisticAT({ alpha: 1 }) });
    const pred = cv.oof[0]!.pred;
    const labels = [...new Set([...y, ...pred])].sort((a, b) => a - b);
    const data = { y, pred };
    type D = typeof data;
    const qwk = (d: D) => stats.cohenKappa(d.y, d.pred, { weights: "quadratic" });
    const pooled = metricWithCi(stats, "quadratic-weighted κ (pooled)", qwk, data, { nResamples: ev.bootstrap, seed: ctx.config.seed, groups: ids, unit: "patient" });
    const perCenter = [...new Set(centers)].filter((c) => c !== "unknown").sort().map((c) => {
      const idx = centers.flatMap((x, i) => (x === c ? [i] : []));
      let k: number | null = null;
      try {
        k = stats.cohenKappa(idx.map((i) => y[i]!), idx.map((i) => pred[i]!), { weights: "quadratic", labels });
        if (!Number.isFinite(k)) k = null;
      } catch {
        k = null;
      }
      return { center: c, n_patients: idx.length, kappa_qw: k };
    });
    const maxLabel = Math.max(...labels);
    const counts = Array.from({ length: maxLabel + 1 }, (_, t) => Array.from({ length: maxLabel + 1 }, (_, p) => y.filter((v, i) => v === t && pred[i] === p).length));
    const dir = ctx.ws.results("cam17");
    // Figure inputs (@osfm/figures "Figure inputs"): results/cam17/per_center.json, transitions.json
    await writeJsonAtomic(`${dir}/per_center.json`, { pooled_kappa_qw: pooled.value, pooled_ci95: pooled.ci95, centers: perCenter });
    await writeJsonAtomic(`${dir}/transitions.json`, { labels: counts.map((_, i) => `pN${i}`), counts });
    await writeFileAtomic(`${dir}/patient_predictions.csv`, formatCsv(["patient", "center", "y_true", "y_pred"], ids.map((id, i) => ({ patient: id, center: centers[i], y_true: y[i], y_pred: pred[i] }))));
    const summary: TaskSummary = {
      task: "cam17",
      title: "CAMELYON17 pN stage (NB09)",
      protocol: `${ids.length} patients (max over node-slide embeddings); ${loco ? `leave-one-centre-out over ${known.length} centres` : "fewer than 2 centres: stratified k-fold"}; StandardScaler + all-threshold ordinal logistic (alpha 1, fixed: no model selection on test folds)`,
      n: ids.length,
      chance: { name: "κ of random predictions", value: 0 },
      metrics: [pooled, { name: "accuracy (pooled)", value: stats.accuracy(y, pred), ci95: null }],
      tables: [{ title: "Per centre", columns: ["center", "n_patients", "kappa_qw"], rows: perCenter }],
    };
    await writeJsonAtomic(`${dir}/summary.json`, summary);
    return { outputs: ["per_center.json", "transitions.json", "patient_predictions.csv", "summary.json"].map((f) => ctx.ws.rel(`${dir}/${f}`)), counts: { patients: ids.length } };
  },
};
