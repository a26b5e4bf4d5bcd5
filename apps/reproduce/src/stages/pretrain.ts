import { readFile } from "node:fs/promises";
import { writeJsonAtomic } from "../io/atomic";
import { hashValue } from "../io/hash";
import { missingApis, requirePackage } from "../ports/modules";
import type { ByolPort } from "../ports/byol";
import type { TilingPort } from "../ports/pipeline";
import type { WsiPort } from "../ports/wsi";
import { readStageMarkers } from "../runner/markers";
import type { Stage, StageContext } from "../runner/stage";
import { featureSlides } from "../eval/feature-index";
import { largestTokenBudget } from "../config/token-budget";
import { prepareWeightsDir } from "./pretrain-run-key";

async function inputs(ctx: StageContext) {
  const found = await featureSlides(ctx, ["features"]);
  const manifest = await readStageMarkers(ctx.ws, "manifest");
  return { found, manifest };
}

/**
 * NB06: BYOL + MFR pretraining with @osfm/byol-mfr on the `features` stage's cached features (phase 1)
 * and, when phase-2 epochs > 0, end to end on raw tiles; checkpoints in weights/ (resumable exactly),
 * the training log, and results/pretrain/loss.json for the loss figure.
 */
export const pretrainStage: Stage = {
  name: "pretrain",
  nb: "NB06",
  title: "BYOL + MFR pretraining",
  kind: "cohort",
  deps: ["features"],
  version: 1,
  settings: (c) => ({ ...c.settings.pretrain, ...largestTokenBudget(c.settings.tiling), seed: c.seed, paperCompat: c.paperCompat }),
  unavailable: () => missingApis({ "byol-mfr": ["pretrain", "featureDirBags", "manifestTileSlide"], wsi: ["openSlide"], tiling: ["parseManifest"] }),
  async plan(ctx) {
    const { found } = await inputs(ctx);
    if (!found) return { units: [], missing: 1, missingReason: "no features yet (stage features)", inputs: [] };
    return { units: [{ id: "cohort", inputs: hashValue(found.slides.map((s) => s.fingerprint)) }], missing: 0, inputs: [`features/${found.slides[0]!.encoder_id} (${found.slides.length} slides)`] };
  },
  async runUnit(ctx, unit) {
    const byol = await requirePackage<ByolPort>("byol-mfr");
    const tiling = await requirePackage<TilingPort>("tiling");
    const { openSlide } = await requirePackage<WsiPort>("wsi");
    const { found, manifest } = await inputs(ctx);
    const slides = found!.slides;
    const encoderId = slides[0]!.encoder_id;
    const mppOf = (id: string) => {
      const m = Number(manifest.get(id)?.row?.mpp);
      return { mppX: m, mppY: m };
    };
    const ids = slides.map((s) => s.slide_id);
    const bags = await byol.featureDirBags({ featureRoot: ctx.ws.path("features"), encoderId, mpp: mppOf, slideIds: ids });
    const p = ctx.config.settings.pretrain;
    const largest = largestTokenBudget(ctx.config.settings.tiling);
    const tiles = {
      slideIds: ids,
      async open(id: string) {
        const rows = tiling.parseManifest(await readFile(ctx.ws.tiles(id)), id).rows;
        const slide = await openSlide(String(manifest.get(id)!.row!.path));
        return byol.manifestTileSlide({ slideId: id, slide, rows05: rows.filter((r) => r.scaleUmPerPx === 0.5), rows20: rows.filter((r) => r.scaleUmPerPx === 2), ...mppOf(id) });
      },
    };
    const logDir = ctx.ws.path("logs", "pretrain");
    const weights = await prepareWeightsDir(ctx.ws.weights, hashValue([unit.inputs, pretrainStage.settings(ctx.config)]));
    if (weights.removed) ctx.reporter.info(`[pretrain] inputs or settings changed: removed ${weights.removed} old checkpoint entr${weights.removed === 1 ? "y" : "ies"} from weights/, starting afresh`);
    const result = await byol.pretrain({
      resume: weights.resume,
      bags,
      ...(p.epochsPhase2 > 0 ? { tiles } : {}),
      weightsDir: ctx.ws.weights,
      logDir,
      config: {
        seed: ctx.config.seed,
        paperCompat: ctx.config.paperCompat,
        aggregator: { depth: p.layers },
        standardizeTokens: p.standardizeTokens,
        phase1: { epochs: p.epochsPhase1, batchSlides: p.batchSlides, warmupSteps: p.warmupSteps, maxTokens05: largest.tokens05, maxTokens20: largest.tokens20 },
        phase2: { epochs: p.epochsPhase2 },
        logEverySteps: 1,
      },
      onProgress: (pr) => {
        if (pr.step === pr.totalSteps || pr.step % 10 === 0) ctx.reporter.info(`[pretrain] phase ${pr.phase} epoch ${pr.epoch} step ${pr.step}/${pr.totalSteps} loss ${pr.loss.toFixed(4)} lr ${pr.lr.toExponential(2)}`);
      },
    });
    if (result.status !== "completed" || !result.studentPath) throw new Error(`pretraining ended with status ${result.status}`);
    const log = (await readFile(result.logJsonl, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Figure input (@osfm/figures "Figure inputs"): results/pretrain/loss.json, steps global across phases.
    const p1 = result.phase1Steps;
    const lossJson = ctx.ws.results("pretrain", "loss.json");
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    await writeJsonAtomic(lossJson, { rows: log.map((r) => ({ phase: Number(r.phase), step: Number(r.step) + (Number(r.phase) === 2 ? p1 : 0), loss: num(r.loss), loss_byol: num(r.loss_byol), loss_mfr: num(r.loss_mfr) })) });
    const row = {
      aggregator: ctx.ws.rel(result.studentPath),
      aggregator_fingerprint: result.studentFingerprint,
      backbone: result.backbonePath ? ctx.ws.rel(result.backbonePath) : null,
      backbone_encoder_id: result.backboneEncoderId ?? null,
      phase1_steps: result.phase1Steps,
      phase2_steps: result.phase2Steps,
      log_csv: ctx.ws.rel(result.logCsv),
    };
    return { outputs: [row.aggregator, ...(row.backbone ? [row.backbone] : []), ctx.ws.rel(lossJson), row.log_csv], counts: { slides: ids.length, steps: result.phase1Steps + result.phase2Steps }, row };
  },
};

/** NB06C: the four post-pretraining gates (@osfm/byol-mfr runDiagnostics), coverage scaled to the cohort. */
export const diagnosticsStage: Stage = {
  name: "diagnostics",
  nb: "NB06C",
  title: "post-pretraining gates",
  kind: "cohort",
  deps: ["pretrain"],
  version: 1,
  settings: (c) => ({ paperCompat: c.paperCompat }),
  unavailable: () => missingApis({ "byol-mfr": ["runDiagnostics"] }),
  async plan(ctx) {
    const m = (await readStageMarkers(ctx.ws, "pretrain")).get("cohort");
    if (!m || m.status !== "done") return { units: [], missing: 1, missingReason: "no pretraining yet (stage pretrain)", inputs: [] };
    return { units: [{ id: "cohort", inputs: m.fingerprint }], missing: 0, inputs: ["weights/", "logs/pretrain/"] };
  },
  async runUnit(ctx) {
    const byol = await requirePackage<ByolPort>("byol-mfr");
    const found = await featureSlides(ctx, ["features"]);
    const { report, table } = await byol.runDiagnostics({
      weightsDir: ctx.ws.weights,
      logDir: ctx.ws.path("logs", "pretrain"),
      featureRoot: ctx.ws.path("features"),
      ...(found ? { encoderId: found.slides[0]!.encoder_id, expectedSlides: found.slides.length } : {}),
      outDir: ctx.ws.diagnostics,
      paperCompat: ctx.config.paperCompat,
    });
    for (const line of table.split("\n")) ctx.reporter.info(`[diagnostics] ${line}`);
    const gates = ctx.ws.path("diagnostics", "gates.json");
    await writeJsonAtomic(gates, report);
    const failed = report.gates.filter((g) => String(g.status).toUpperCase() === "FAIL").length;
    return { outputs: [ctx.ws.rel(gates)], counts: { gates: report.gates.length, failed } };
  },
};
