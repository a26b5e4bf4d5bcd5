import { missingApis, requirePackage } from "../ports/modules";
import type { FiguresPort } from "../ports/pipeline";
import type { Stage } from "../runner/stage";
import { readStageMarkers, FINAL_UNIT } from "../runner/markers";
import { STAGE_NAMES } from "../types";
import type { StageContext } from "../runner/stage";
import { writeJsonAtomic } from "../io/atomic";
import { readPassport } from "../workspace/passport";

/** Parameter counts in millions: ConvNeXt-Tiny without head, and the aggregator of this run's config. */
const CONVNEXT_TINY_M = 27.818592;

/**
 * results/efficiency/models.json (Fig 1C): our parameter count (backbone + the aggregator this run
 * trained) and this run's peak memory, next to published parameter counts (memory unknown: null, not
 * the original's unmeasured GPU numbers).
 */
async function writeEfficiencyInput(ctx: StageContext): Promise<void> {
  const m = (await readStageMarkers(ctx.ws, "pretrain")).get("cohort");
  const layers = ctx.config.settings.pretrain.layers;
  // 6 layers = 45,188,352 (SPEC §18); each encoder layer is 7,087,872 parameters.
  const aggregatorM = (45_188_352 - (6 - layers) * 7_087_872) / 1e6;
  const passport = await readPassport(ctx.ws.passport);
  const peak = Math.max(0, ...(passport?.runs ?? []).map((r) => r.peakRssBytes));
  await writeJsonAtomic(ctx.ws.results("efficiency", "models.json"), {
    memory_label: "Peak resident memory of a reproduce run, CPU (GB)",
    models: [
      { name: `OpenSlideFM (ours, ${layers}-layer aggregator)`, params_millions: CONVNEXT_TINY_M + aggregatorM, memory_gb: m && peak ? peak / 1e9 : null, ours: true, source: "this run" },
      { name: "UNI", params_millions: 307, memory_gb: null, ours: false, source: "Chen et al. 2024 (ViT-L/16)" },
      { name: "Virchow", params_millions: 632, memory_gb: null, ours: false, source: "Vorontsov et al. 2024 (ViT-H/14)" },
      { name: "Virchow2-G", params_millions: 1850, memory_gb: null, ours: false, source: "Zimmermann et al. 2024 (ViT-G/14)" },
    ],
  });
}

/** NB13: every figure whose input files exist (`@osfm/figures` renderWorkspace), as SVG + 300-dpi PNG in figures/. */
export const figuresStage: Stage = {
  name: "figures",
  nb: "NB13",
  title: "figures",
  kind: "cohort",
  deps: [],
  version: 1,
  settings: () => ({ dpi: 300 }),
  unavailable: () => missingApis({ figures: ["renderWorkspace", "writeFigure"] }),
  async plan(ctx) {
    // Inputs: the cohort-level results of every earlier stage.
    const parts: string[] = [];
    for (const s of STAGE_NAMES) {
      if (s === "figures" || s === "report" || s === "env") continue;
      const m = await readStageMarkers(ctx.ws, s);
      const fin = m.get(FINAL_UNIT) ?? m.get("cohort");
      if (fin) parts.push(`${s}:${fin.fingerprint}`);
    }
    return { units: [{ id: "cohort", inputs: parts.join("|") }], missing: 0, inputs: ["manifests/manifest.json", "qc/qc.json", "tiles/summary.json", "results/"] };
  },
  async runUnit(ctx) {
    const fig = await requirePackage<FiguresPort>("figures");
    await writeEfficiencyInput(ctx);
    const outputs: string[] = [];
    let skipped = 0;
    for (const r of await fig.renderWorkspace(ctx.ws.root)) {
      if (r.status === "rendered") outputs.push(...(await fig.writeFigure(ctx.ws.figures, r.id, r.svg, { dpi: 300 })).map((p) => ctx.ws.rel(p)));
      else {
        skipped++;
        if (r.status === "invalid") ctx.reporter.warn(`figures: ${r.id} not drawn: ${r.reason}`);
      }
    }
    return { outputs, counts: { figures: outputs.length / 2, skipped } };
  },
};
