import { tableToIPC, type Table } from "apache-arrow";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { missingApis, requirePackage } from "../ports/modules";
import type { TilingPort } from "../ports/pipeline";
import type { RunConfig } from "../config/schema";
import { tokenBudget } from "../config/token-budget";
import type { Stage, UnitResult } from "../runner/stage";
import { planSlideUnits, type SlideUnit } from "./slide-units";
import { readMaskPng, withSlide } from "./slide-io";

/**
 * The slide-level QC policy for a dataset. PANDA biopsies are thin strips on mostly empty glass, so the
 * whole-slide `white` rule would drop many of them; the original's NB10 applies no slide-level QC to PANDA
 * (its tissue rule works per tile), and neither do we: the tissue mask still decides where tiles go.
 */
export function policyFor(c: RunConfig, dataset?: string): string {
  if (dataset === "panda") return "none";
  return c.paperCompat ? "medium" : c.settings.qc.policy;
}

/** NB04: two-scale tiles per slide (@osfm/tiling), after the QC policy; tiles/summary.json for the cohort. */
export const tilesStage: Stage<SlideUnit> = {
  name: "tiles",
  nb: "NB04",
  title: "two-scale tiling",
  kind: "slide",
  deps: ["qc"],
  version: 1,
  rateCount: "tiles",
  settings: (c) => ({ ...c.settings.tiling, policy: policyFor(c), pandaPolicy: policyFor(c, "panda"), paperCompat: c.paperCompat, seed: c.seed }),
  unavailable: () => missingApis({ wsi: ["openSlide"], tiling: ["tileSlide", "passesQcPolicy", "parseManifest"] }),
  plan: (ctx) => planSlideUnits(ctx, { needs: ["qc"] }),
  async runUnit(ctx, unit): Promise<UnitResult> {
    const tiling = await requirePackage<TilingPort>("tiling");
    const s = ctx.config.settings.tiling;
    const qcRow = unit.upstream.qc!.row!;
    const p = policyFor(ctx.config, unit.slide.dataset);
    const budget = tokenBudget(s, unit.slide.dataset);
    const passes = tiling.passesQcPolicy({ tissuePct: Number(qcRow.tissue_pct), whitePct: Number(qcRow.white_pct), reasons: String(qcRow.reasons ?? "").split(";").filter(Boolean) }, p);
    // Left out by the QC policy: recorded (so later stages skip the slide, and status counts it as done), no tiles.
    if (!passes) return { outputs: [], counts: { leftOut: 1 }, row: { slide_id: unit.id, dataset: unit.slide.dataset, dropped: `QC policy ${p}: ${String(qcRow.reasons || "excluded")}` } };
    const mask = await readMaskPng(ctx.ws.path(String(qcRow.mask)), Number(qcRow.mask_downsample));
    const source = String(unit.slide.mpp_source ?? "file");
    const manifest = await withSlide(unit.slide.path, async (slide) =>
      tiling.tileSlide(slide, mask, {
        slideId: unit.id,
        budgets: { 0.5: budget.tokens05, 2: budget.tokens20 },
        stridePx: Math.round(256 * s.strideFraction),
        minCoverage: s.minCoverage,
        globalSeed: ctx.config.seed,
        paperCompat: ctx.config.paperCompat,
        ...(source !== "file" && unit.slide.mpp !== null && !source.startsWith("objective-power") ? { mpp: Number(unit.slide.mpp) } : {}),
        allowObjectivePowerFallback: source.startsWith("objective-power"),
      }),
    );
    const out = ctx.ws.tiles(unit.id);
    await writeFileAtomic(out, tableToIPC(manifest.toArrow() as Table, "file"));
    const by = (scale: number) => manifest.scales.find((x) => x.scaleUmPerPx === scale);
    const row = {
      slide_id: unit.id,
      dataset: unit.slide.dataset,
      n_tiles_0p5: by(0.5)?.selected ?? 0,
      n_tiles_2p0: by(2)?.selected ?? 0,
      candidates_0p5: by(0.5)?.candidates ?? 0,
      candidates_2p0: by(2)?.candidates ?? 0,
      mpp: manifest.mpp,
      mpp_source: manifest.mppSource,
      warnings: manifest.warnings.join("; "),
    };
    return { outputs: [ctx.ws.rel(out)], counts: { tiles: manifest.rows.length }, row };
  },
  async finalize(ctx, markers) {
    const rows = [...markers.values()].filter((m) => m.status === "done" && m.row && m.row.dropped === undefined).map((m) => m.row!).sort((a, b) => (String(a.slide_id) < String(b.slide_id) ? -1 : 1));
    const s = ctx.config.settings.tiling;
    // Figure input (@osfm/figures README "Figure inputs"): tiles/summary.json
    const json = ctx.ws.path("tiles", "summary.json");
    await writeJsonAtomic(json, { budget_0p5: s.tokens05, budget_2p0: s.tokens20, budgets_per_dataset: s.perDataset, slides: rows.map((r) => ({ slide_id: r.slide_id, n_tiles_0p5: r.n_tiles_0p5, n_tiles_2p0: r.n_tiles_2p0 })) });
    return { outputs: [ctx.ws.rel(json)], counts: { slides: rows.length, tiles: rows.reduce((a, r) => a + Number(r.n_tiles_0p5) + Number(r.n_tiles_2p0), 0) } };
  },
};
