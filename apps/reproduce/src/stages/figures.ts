import { missingApis, requirePackage } from "../ports/modules";
import type { FiguresPort } from "../ports/pipeline";
import type { Stage } from "../runner/stage";
import { readStageMarkers, FINAL_UNIT } from "../runner/markers";
import { STAGE_NAMES } from "../types";

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
