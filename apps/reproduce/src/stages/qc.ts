import { writeFileAtomic, writeJsonAtomic } from "../io/atomic";
import { writeArrowRows, type TableSchema } from "../io/table";
import { missingApis, requirePackage } from "../ports/modules";
import type { QcPort } from "../ports/pipeline";
import type { Stage } from "../runner/stage";
import { planSlideUnits, type SlideUnit } from "./slide-units";
import { withSlide, writeMaskPng, writeRgbaPng } from "./slide-io";

const QC_SCHEMA: TableSchema = [
  ["slide_id", "string"], ["dataset", "string"], ["cancer_code", "string"], ["path", "string"],
  ["tissue_pct", "float"], ["white_pct", "float"], ["pen_pct", "float"], ["blur_var", "float"],
  ["brightness_mean", "float"], ["saturation_mean", "float"], ["excluded", "int"], ["reasons", "string"], ["warnings", "string"],
  ["thumb", "string"], ["overlay", "string"], ["mask", "string"], ["mask_downsample", "float"],
];

/** NB03: QC metrics, masks, thumbnail and overlay per slide (@osfm/qc); qc/qc.arrow and qc/qc.json for the cohort. */
export const qcStage: Stage<SlideUnit> = {
  name: "qc",
  nb: "NB03",
  title: "QC and tissue masks",
  kind: "slide",
  deps: ["manifest"],
  version: 1,
  settings: (c) => ({ thumbnailMaxSide: c.settings.qc.thumbnailMaxSide, penRule: c.paperCompat ? "original" : "inks" }),
  unavailable: () => missingApis({ wsi: ["openSlide"], qc: ["computeQc", "renderQcOverlay", "DEFAULT_THRESHOLDS"] }),
  plan: (ctx) => planSlideUnits(ctx),
  async runUnit(ctx, unit) {
    const qc = await requirePackage<QcPort>("qc");
    const id = unit.id;
    const ws = ctx.ws;
    const result = await withSlide(unit.slide.path, (slide) => qc.computeQc(slide, { thumbnailMaxSize: ctx.config.settings.qc.thumbnailMaxSide, penRule: ctx.config.paperCompat ? "original" : "inks" }));
    await writeRgbaPng(ws.qcThumb(id), result.thumbnail);
    await writeFileAtomic(ws.qcOverlay(id), await qc.renderQcOverlay(result.thumbnail, { tissue: result.masks.tissue, pen: result.masks.pen }));
    await writeMaskPng(ws.qcMask(id), result.masks.tissue);
    const row = {
      slide_id: id,
      dataset: unit.slide.dataset,
      cancer_code: unit.slide.dataset === "tcga" ? unit.slide.cancer_code : String(unit.slide.dataset).toUpperCase(),
      path: unit.slide.path,
      tissue_pct: result.tissuePct,
      white_pct: result.whitePct,
      pen_pct: result.penPct,
      blur_var: result.blurVar,
      brightness_mean: result.brightnessMean,
      saturation_mean: result.saturationMean,
      excluded: result.excluded ? 1 : 0,
      reasons: result.reasons.join(";"),
      warnings: (result.warnings ?? []).join("; "),
      thumb: ws.rel(ws.qcThumb(id)),
      overlay: ws.rel(ws.qcOverlay(id)),
      mask: ws.rel(ws.qcMask(id)),
      mask_downsample: result.masks.tissue.downsample,
    };
    return { outputs: [row.thumb, row.overlay, row.mask], counts: { excluded: row.excluded }, row };
  },
  async finalize(ctx, markers) {
    const qc = await requirePackage<QcPort>("qc");
    const rows = [...markers.values()].filter((m) => m.status === "done" && m.row).map((m) => m.row!).sort((a, b) => (String(a.slide_id) < String(b.slide_id) ? -1 : 1));
    const ws = ctx.ws;
    await writeArrowRows(ws.qcArrow, QC_SCHEMA, rows);
    const t = qc.DEFAULT_THRESHOLDS;
    // Figure input (@osfm/figures README "Figure inputs"): qc/qc.json
    const json = ws.path("qc", "qc.json");
    await writeJsonAtomic(json, {
      thresholds: { tissue_pct_min: t.minTissuePct, white_pct_max: t.maxWhitePct, blur_var_min: t.minBlurVar, pen_pct_max: t.maxPenPct },
      slides: rows.map((r) => ({ slide_id: r.slide_id, cancer_code: r.cancer_code ?? "UNKNOWN", tissue_pct: r.tissue_pct, white_pct: r.white_pct, pen_pct: r.pen_pct, blur_var: r.blur_var, excluded: Boolean(r.excluded), reasons: String(r.reasons ?? "").split(";").filter(Boolean) })),
    });
    return { outputs: [ws.rel(ws.qcArrow), ws.rel(json)], counts: { slides: rows.length, excluded: rows.filter((r) => r.excluded).length } };
  },
};
