import { readFile } from "node:fs/promises";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { formatCsv } from "../io/csv";
import { datasetAbsent } from "../eval/dataset-presence";
import { missingApis, requirePackage } from "../ports/modules";
import { readStageMarkers } from "../runner/markers";
import type { Stage } from "../runner/stage";
import type { TaskSummary } from "../report/task-summary";
import { argmaxClass } from "../eval/cv";
import { metricWithCi } from "../eval/ci";
import { STATS_NEEDS, type StatsPort } from "../eval/stats-port";

const GRADES = [0, 1, 2, 3, 4, 5];

/**
 * NB12: PANDA OOF metrics from the ensemble: macro one-vs-rest AUROC over ISUP 0–5, threshold-wise
 * (ISUP ≥ t) AUROC / average precision / prevalence, and per provider the quadratic-weighted κ (which
 * the original never computes) and macro AUROC, each with a bootstrap CI; by_provider.json for Fig 4F.
 */
export const pandaMetricsStage: Stage = {
  name: "panda-metrics",
  nb: "NB12",
  title: "PANDA OOF metrics",
  kind: "cohort",
  deps: ["panda-mil"],
  version: 1,
  settings: (c) => ({ bootstrap: c.settings.evaluation.bootstrap, seed: c.seed }),
  unavailable: () => missingApis({ stats: [...STATS_NEEDS, "averagePrecision"] }),
  async plan(ctx) {
    const absent = await datasetAbsent(ctx, "panda");
    if (absent) return { units: [], missing: 0, notApplicable: absent, inputs: [] };
    const m = (await readStageMarkers(ctx.ws, "panda-mil")).get("cohort");
    if (!m || m.status !== "done") return { units: [], missing: 1, missingReason: "no PANDA OOF predictions yet (stage panda-mil)", inputs: [] };
    return { units: [{ id: "cohort", inputs: m.fingerprint }], missing: 0, inputs: ["results/panda/oof.json"] };
  },
  async runUnit(ctx) {
    const stats = await requirePackage<StatsPort>("stats");
    const oof = JSON.parse(await readFile(ctx.ws.results("panda", "oof.json"), "utf8")) as { ids: string[]; labels: number[]; providers: string[]; probs: number[][] };
    const boot = ctx.config.settings.evaluation.bootstrap;
    const data = { y: oof.labels, probs: oof.probs, pred: oof.probs.map((p) => argmaxClass(p, GRADES)) };
    type D = typeof data;
    const opts = { nResamples: boot, seed: ctx.config.seed, unit: "slide" };
    const auroc = (d: D) => stats.rocAucOvr(d.y, d.probs, { labels: GRADES });
    const qwk = (d: D) => stats.cohenKappa(d.y, d.pred, { weights: "quadratic", labels: GRADES });
    const thresholds = [1, 2, 3, 4, 5].map((t) => {
      const yb: number[] = data.y.map((v) => (v >= t ? 1 : 0));
      const score = data.probs.map((p) => p.slice(t).reduce((a, b) => a + b, 0));
      const safe = (fn: () => number) => {
        try {
          const v = fn();
          return Number.isFinite(v) ? v : null;
        } catch {
          return null;
        }
      };
      return { threshold: `ISUP ≥ ${t}`, auroc: safe(() => stats.rocAuc(yb, score)), average_precision: safe(() => stats.averagePrecision(yb, score)), prevalence: yb.reduce((a, b) => a + b, 0) / yb.length };
    });
    const providers = [...new Set(oof.providers)].sort();
    const byProvider = providers.map((p) => {
      const idx = oof.providers.flatMap((x, i) => (x === p ? [i] : []));
      const sub = { y: idx.map((i) => data.y[i]!), probs: idx.map((i) => data.probs[i]!), pred: idx.map((i) => data.pred[i]!) };
      return { provider: p, n: idx.length, kappa: metricWithCi(stats, "κ", qwk, sub, opts), auroc: metricWithCi(stats, "AUROC", auroc, sub, opts) };
    });
    const dir = ctx.ws.results("panda");
    // Figure input (@osfm/figures "Figure inputs"): results/panda/by_provider.json
    await writeJsonAtomic(`${dir}/by_provider.json`, {
      metric_label: "Quadratic-weighted κ (ISUP 0–5)",
      evaluation: "within-provider OOF of the pooled cross-validation (not cross-provider transfer)",
      providers: byProvider.map((b) => ({ provider: b.provider, n: b.n, value: b.kappa.value, ci95: b.kappa.ci95 })),
    });
    await writeFileAtomic(`${dir}/metrics_by_threshold.csv`, formatCsv(["threshold", "auroc", "average_precision", "prevalence"], thresholds));
    const rows = byProvider.map((b) => ({ provider: b.provider, n: b.n, kappa_qw: b.kappa.value, kappa_ci95: b.kappa.ci95?.map((v) => v.toFixed(3)).join(" – ") ?? "", macro_auroc: b.auroc.value }));
    await writeFileAtomic(`${dir}/metrics_by_provider.csv`, formatCsv(["provider", "n", "kappa_qw", "kappa_ci95", "macro_auroc"], rows));
    const summary: TaskSummary = {
      task: "panda-metrics",
      title: "PANDA OOF metrics (NB12)",
      protocol: `${oof.ids.length} slides, ensemble OOF of panda-mil; slide-level bootstrap (${boot} resamples)`,
      n: oof.ids.length,
      chance: { name: "AUROC of a random score", value: 0.5 },
      metrics: [metricWithCi(stats, "macro AUROC (one-vs-rest, ISUP 0–5)", auroc, data, opts), metricWithCi(stats, "quadratic-weighted κ", qwk, data, opts)],
      tables: [
        { title: "Binary thresholds", columns: ["threshold", "auroc", "average_precision", "prevalence"], rows: thresholds },
        { title: "Per provider", columns: ["provider", "n", "kappa_qw", "kappa_ci95", "macro_auroc"], rows },
      ],
    };
    const sdir = ctx.ws.results("panda-metrics");
    await writeJsonAtomic(`${sdir}/summary.json`, summary);
    return { outputs: [`${dir}/by_provider.json`, `${dir}/metrics_by_threshold.csv`, `${dir}/metrics_by_provider.csv`, `${sdir}/summary.json`].map((p) => ctx.ws.rel(p)), counts: { slides: oof.ids.length, providers: providers.length } };
  },
};
