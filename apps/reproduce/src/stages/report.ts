import { writeFileAtomic } from "../io/atomic";
import { esc, page } from "../report/html";
import { cohortSection, failuresSection, figuresSection, passportSection, pretrainSection, qcSection, tasksSection, tilingSection } from "../report/sections";
import type { Stage } from "../runner/stage";
import type { RunConfig } from "../config/schema";
import { readPassport } from "../workspace/passport";
import type { Workspace } from "../workspace/layout";

/** Per-dataset token budgets, e.g. " (camelyon16: 24 + 8)". */
function perDatasetNote(perDataset: RunConfig["settings"]["tiling"]["perDataset"]): string {
  const own = Object.entries(perDataset).filter(([, b]) => b !== undefined);
  return own.length ? ` (${own.map(([d, b]) => `${esc(d)}: ${b!.tokens05} + ${b!.tokens20}`).join(", ")})` : "";
}

/** Settings that differ from the paper so that a random-init backbone's features still carry the classes. */
function signalNote(config: RunConfig): string {
  const s = config.settings;
  const parts = [
    s.features.weights ? "" : "the backbone is a seeded random ConvNeXt-Tiny (no ImageNet weights offline)",
    s.embeddings.output === "pooled" ? "slide embeddings are the max-pooled representation (the original exports the projector output)" : "",
    s.pretrain.standardizeTokens ? "the aggregator is pretrained and applied on standardised token features (statistics fitted over the pretraining slides and saved with the checkpoint; not in the original)" : "",
    s.panda.standardize ? "PANDA token features are standardised per training fold (not in the original)" : "",
  ].filter(Boolean);
  return parts.length ? ` Also: ${parts.join("; ")}.` : "";
}

function intro(config: RunConfig): string {
  const s = config.settings;
  const demo = config.demo
    ? `<p class="note">Synthetic demo cohort (preset <b>${esc(config.demoPreset)}</b>), not real patients. To fit the demo's time budget it uses reduced settings: token budgets ${s.tiling.tokens05} + ${s.tiling.tokens20}${perDatasetNote(s.tiling.perDataset)} (paper: 1200 + 400), pretraining ${s.pretrain.epochsPhase1} + ${s.pretrain.epochsPhase2} epochs with a ${s.pretrain.layers}-layer aggregator (paper: 2 + 2 epochs, 6 layers), ${s.evaluation.seeds.length} seed(s) × ${s.evaluation.folds} folds, ${s.evaluation.bootstrap} bootstrap resamples.${signalNote(config)}</p>`
    : "";
  return `<p>Workspace <code>${esc(config.workspace)}</code>; data <code>${esc(config.data ?? "(none)")}</code>; seed ${config.seed}; ${config.paperCompat ? "paper-compat mode (original quirks reproduced)" : "method as described (SPEC Part A)"}; generated ${esc(new Date().toISOString())}.</p>${demo}`;
}

/** Builds report.html from whatever the workspace holds (missing parts say which stage makes them). */
export async function buildReport(ws: Workspace, config: RunConfig): Promise<string> {
  const passport = await readPassport(ws.passport);
  const sections = [
    await cohortSection(ws),
    await qcSection(ws),
    await tilingSection(ws),
    await pretrainSection(ws),
    await tasksSection(ws, passport),
    await figuresSection(ws),
    await failuresSection(ws),
    passportSection(passport),
  ];
  return page("OpenSlideFM reproduction report", intro(config), sections);
}

/** The report: one self-contained HTML file (figures inlined), rebuilt on every run since it shows the passport. */
export const reportStage: Stage = {
  name: "report",
  nb: "—",
  title: "report.html",
  kind: "cohort",
  deps: [],
  version: 1,
  settings: () => ({}),
  async plan(ctx) {
    return { units: [{ id: "cohort", inputs: ctx.runId }], missing: 0, inputs: ["manifests/", "qc/", "tiles/", "results/", "figures/", "diagnostics/", "passport.json", "failures.csv"] };
  },
  async runUnit(ctx) {
    const html = await buildReport(ctx.ws, ctx.config);
    await writeFileAtomic(ctx.ws.reportHtml, html);
    return { outputs: [ctx.ws.rel(ctx.ws.reportHtml)], counts: { bytes: Buffer.byteLength(html) } };
  },
};
